import ArgumentParser
import HopHub
import HopHubCore
import HopHubSQLite

/// `hop-hub`: the hub server and its admin commands.
@main
struct HopHubCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hop-hub",
        abstract: "Hop hub: telemetry ingest, storage, query API and portal.",
        version: HubVersion.current,
        subcommands: [
            ServeCommand.self, KeysCommand.self, AlertsCommand.self, AuditCommand.self, UsersCommand.self, MigrateCommand.self,
        ])
}
