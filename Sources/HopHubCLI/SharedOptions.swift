import ArgumentParser
import Foundation
import HopHub
import HopHubCore
import HopHubSQLite
import Logging

/// Options every subcommand that touches the data directory takes.
struct DataOptions: ParsableArguments {
    @Option(help: "Data directory holding hop.sqlite (or HOP_HUB_DATA_DIR, or data_dir in the config file).")
    var dataDir: String?

    @Option(help: "YAML configuration file (or HOP_HUB_CONFIG). Flags override the environment, which overrides the file.")
    var config: String?

    /// Gathers file, environment and flag values into a checked configuration.
    func load(flags: [String: String] = [:]) throws -> HubConfiguration {
        var values = ConfigValues()
        let env = ProcessInfo.processInfo.environment
        if let file = config ?? env["HOP_HUB_CONFIG"] {
            try values.merge(yamlFile: file)
        }
        values.merge(environment: env, prefix: HubConfiguration.environmentPrefix, knownKeys: HubConfiguration.keys)
        if let dataDir { values.set("data_dir", dataDir, origin: "flag --data-dir") }
        for (key, value) in flags { values.set(key, value, origin: "flag --\(key.replacingOccurrences(of: "_", with: "-").replacingOccurrences(of: ".", with: "-"))") }
        return try HubConfiguration(values: values, environment: env)
    }

    /// Opens the store the configuration names (`store: sqlite | postgres`), migrating it.
    func openStore(flags: [String: String] = [:]) async throws -> any HubBackend {
        try await Hub.openBackend(try load(flags: flags), logger: Logger(label: "hop-hub"))
    }
}
