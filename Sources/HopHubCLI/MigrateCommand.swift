import ArgumentParser
import Foundation
import HopHub
import HopHubCore
import HopHubPostgres
import HopHubSQLite
import Logging

/// `hop-hub migrate`: copies a stopped SQLite hub's data directory into a PostgreSQL database,
/// resumably, and verifies the copy table by table (docs/hub-storage.md, "Moving from SQLite to
/// PostgreSQL").
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Copy an SQLite hub's data into PostgreSQL, then verify the copy.",
        discussion: """
            Reads DIR/hop.sqlite of --data-dir DIR (required: the source, whatever data_dir the \
            configuration names) read-only, and copies every table users care about into the PostgreSQL \
            database of --postgres-url, or of postgres.url in --config / HOP_HUB_POSTGRES_URL. The \
            password comes only from HOP_HUB_POSTGRES_PASSWORD. The target's schema is created if \
            missing. Stop the hub first: a database another process has open is refused.

              hop-hub migrate --data-dir /var/lib/hop-hub --postgres-url postgres://hop@db1:5432/hop

            The copy goes table by table in key order, in batches each committed with a progress marker \
            (table hop_migration_progress on the target): an interrupted run (Ctrl-C, kill, lost \
            connection) continues where it stopped when run again with the same arguments. A target \
            whose tables already hold rows is refused unless --into-non-empty.

            At the end every table's row count and checksum are compared on both sides and printed; \
            any difference names the table and exits with status 1 (other failures: status 64 for bad \
            arguments, 1 with the error on stderr). Running again after a complete copy only verifies. Map layers (DIR/layers) are files, not rows: copy them to the new \
            hub's data directory yourself.
            """)

    @OptionGroup var data: DataOptions

    @Option(
        name: .customLong("postgres-url"),
        help: ArgumentHelp("Target database, postgres://USER@HOST:PORT/DATABASE (default: postgres.url of the configuration).", valueName: "url"))
    var postgresURL: String?

    @Option(help: "Rows per batch (one INSERT and one commit each).")
    var batchSize = 5000

    @Flag(help: "Copy even when the target's tables hold rows: keep them and add the source's (verification then checks that every source row is there).")
    var intoNonEmpty = false

    @Flag(help: "Copy nothing: compare what earlier runs copied with the source and print the verification.")
    var verifyOnly = false

    @Flag(help: "Print the final report as JSON on stdout (progress stays on stderr).")
    var json = false

    func validate() throws {
        guard data.dataDir != nil else {
            throw ValidationError("--data-dir is required: the data directory of the SQLite hub to copy from")
        }
        guard (100...50_000).contains(batchSize) else { throw ValidationError("--batch-size must be between 100 and 50000") }
    }

    func run() async throws {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .warning
            return handler
        }
        let logger = Logger(label: "hop-hub-migrate")
        var flags: [String: String] = [:]
        if let postgresURL { flags["postgres.url"] = postgresURL }
        let configuration = try data.load(flags: flags)
        guard postgresURL != nil || configuration.store == .postgres else {
            throw ValidationError(
                "say which PostgreSQL database to copy into: --postgres-url postgres://USER@HOST:PORT/DATABASE, or a --config with store: postgres")
        }
        var settings = configuration.postgres
        settings.poolSize = min(settings.poolSize, 4)

        let source = try SQLiteMigrationSource(path: configuration.databasePath)
        let store = try await PostgresStore.open(settings: settings, logger: logger)
        let target = PostgresMigrationTarget(store: store, logger: logger)
        let output = MigrateOutput(json: json)
        output.start(source: source.description, target: target.description, layers: LayerStore(dataDirectory: configuration.dataDirectory).names())
        let options = HubMigrator.Options(batchSize: batchSize, intoNonEmpty: intoNonEmpty, verifyOnly: verifyOnly)
        let report: MigrationReport
        do {
            report = try await HubMigrator(source: source, target: target, options: options) { output.observe($0) }.run()
        } catch {
            try? await source.close()
            try? await target.close()
            throw error
        }
        try await source.close()
        try await target.close()
        try output.finish(report)
        if !report.mismatches.isEmpty { throw ExitCode(1) }
    }
}
