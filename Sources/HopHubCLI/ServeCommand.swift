import ArgumentParser
import HopHub
import HopHubCore
import HopHubSQLite
import Logging

/// `hop-hub serve`: runs the hub until SIGTERM/SIGINT, then shuts down gracefully.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Run the hub server.")

    @OptionGroup var data: DataOptions

    @Option(help: "Address to listen on, HOST:PORT (default 127.0.0.1:8080).")
    var listen: String?

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String?

    func run() async throws {
        var flags: [String: String] = [:]
        if let listen { flags["listen"] = listen }
        if let logLevel { flags["log_level"] = logLevel }
        let configuration = try data.load(flags: flags)
        let level = Logger.Level(rawValue: configuration.logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "hop-hub")
        let hub = try await Hub.open(configuration: configuration, logger: logger)
        logger.info(
            "hop-hub starting",
            metadata: [
                "listen": "\(configuration.host):\(configuration.port)", "store": "\(configuration.store.rawValue)", "database": "\(configuration.storeDescription)",
                "version": "\(HubVersion.current)",
            ])
        // Records written by earlier releases exist only in SQLite databases.
        for record in try await (hub.store as? SQLiteStore)?.legacyRecords() ?? [] {
            logger.warning("stored record kept as written by an earlier release", metadata: ["record": "\(record)"])
        }
        try await hub.run(logger: logger)
    }
}
