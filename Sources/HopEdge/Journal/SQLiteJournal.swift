import Foundation
import GRDB
import HopProtocol

/// The journal in one SQLite file (WAL, `synchronous=FULL`; see docs/edge-journal.md for the
/// format and why). An actor: pollers and the uploader share it and its counters stay exact.
public actor SQLiteJournal: Journal {
    public nonisolated let path: String
    let db: DatabaseQueue
    let quotaBytes: Int64
    let minFreeDiskBytes: Int64
    let freeDisk: @Sendable () -> Int64?
    /// Bytes counted per row on top of its JSON body (SQLite row and index overhead, estimated).
    static let rowOverhead: Int64 = 40
    var depth: Int64 = 0
    var bytes: Int64 = 0
    var sealedThrough: Int64 = 0
    var evictedTelemetry: Int64 = 0
    var evictedEvents: Int64 = 0
    var quarantinedTotal: Int64 = 0
    var oldestUnsent: SourceTime?
    private let encoder = JSONEncoder()

    /// Opens (creating and migrating if needed) the journal at `config.path`.
    public init(config: JournalConfig, freeDisk: (@Sendable () -> Int64?)? = nil) throws(JournalError) {
        path = config.path
        quotaBytes = config.quotaBytes
        minFreeDiskBytes = config.minFreeDiskBytes
        let journalPath = config.path
        self.freeDisk = freeDisk ?? { DiskSpace.available(at: journalPath) }
        // SQLite reports these as "disk I/O error" or "unable to open"; say what is wrong instead.
        if let problem = ConfigLoader.journalPathProblem(journalPath) {
            throw JournalError(path: journalPath, operation: "open", message: "journal.path: \(problem)")
        }
        do {
            try FileManager.default.createDirectory(
                atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path, withIntermediateDirectories: true)
            db = try DatabaseQueue(path: path, configuration: Self.configuration(readOnly: false))
            try JournalSchema.migrator().migrate(db)
            let loaded = try db.read { db in
                let row = try Row.fetchOne(db, sql: "SELECT COUNT(*), COALESCE(SUM(length(body)), 0) FROM record")
                let oldest = try Int64.fetchOne(db, sql: "SELECT ts FROM record ORDER BY id LIMIT 1")
                return (
                    depth: row?[0] as Int64? ?? 0, bytes: row?[1] as Int64? ?? 0, oldest: oldest,
                    sealed: try JournalSchema.meta(db, .sealedThrough),
                    evT: try JournalSchema.meta(db, .evictedTelemetry), evE: try JournalSchema.meta(db, .evictedEvents),
                    quarantined: try JournalSchema.meta(db, .quarantinedTotal))
            }
            depth = loaded.depth
            bytes = loaded.bytes + loaded.depth * Self.rowOverhead
            oldestUnsent = loaded.oldest.map { SourceTime(epochMilliseconds: $0) }
            sealedThrough = loaded.sealed
            evictedTelemetry = loaded.evT
            evictedEvents = loaded.evE
            quarantinedTotal = loaded.quarantined
        } catch {
            throw JournalError(path: config.path, operation: "open", message: "\(error)")
        }
    }

    static func configuration(readOnly: Bool) -> Configuration {
        var configuration = Configuration()
        configuration.readonly = readOnly
        configuration.busyMode = .timeout(5)
        configuration.label = "hop-edge.journal"
        if !readOnly { configuration.journalMode = .wal }
        configuration.prepareDatabase { db in
            // FULL: a commit is on stable storage before append() returns, power cut included.
            if !db.configuration.readonly { try db.execute(sql: "PRAGMA synchronous = FULL") }
        }
        return configuration
    }

    /// Runs `body` in a write transaction, wrapping failures with the operation name.
    func write<T>(_ operation: String, _ body: (Database) throws -> T) throws(JournalError) -> T {
        do {
            return try db.write(body)
        } catch {
            throw JournalError(path: path, operation: operation, message: "\(error)")
        }
    }

    public func counters() -> JournalCounters {
        JournalCounters(
            depth: depth, bytes: bytes, oldestUnsent: oldestUnsent, evictedTelemetry: evictedTelemetry,
            evictedEvents: evictedEvents, quarantined: quarantinedTotal)
    }

    /// Records that an agent process owns this journal now (shown by `status`).
    public func markAgentStarted(pid: Int32, at: SourceTime) throws(JournalError) {
        try write("mark agent start") { db in
            try JournalSchema.setMeta(db, .agentPID, Int64(pid))
            try JournalSchema.setMeta(db, .agentStartedAt, at.epochMilliseconds)
        }
    }

    public func deviceStates() throws(JournalError) -> [DeviceState] {
        do {
            return try db.read { db in
                try Data.fetchAll(db, sql: "SELECT state FROM device_state ORDER BY name").compactMap {
                    try? JSONDecoder().decode(DeviceState.self, from: $0)
                }
            }
        } catch {
            throw JournalError(path: path, operation: "read device states", message: "\(error)")
        }
    }

    public func append(_ entries: [JournalEntry], state: DeviceState?) throws(JournalError) {
        let now = SourceClock.nowMilliseconds()
        var rows: [(kind: RecordKind, ts: Int64, body: Data)] = []
        rows.reserveCapacity(entries.count)
        do {
            for entry in entries {
                let body: Data
                switch entry {
                case .telemetry(let t): body = Data(TelemetryJSON.encode(t))
                case .event(let e): body = try encoder.encode(e)
                }
                rows.append((entry.kind, entry.sourceTime?.epochMilliseconds ?? now, body))
            }
        } catch {
            throw JournalError(path: path, operation: "encode records", message: "\(error)")
        }
        let stateData = state.flatMap { try? encoder.encode($0) }
        let newBytes = rows.reduce(Int64(0)) { $0 + Int64($1.body.count) + Self.rowOverhead }
        let need = bytesToFree(adding: newBytes)
        let sealed = sealedThrough
        let hadOldest = oldestUnsent != nil
        let outcome = try write("append") { db -> EvictionOutcome in
            var outcome = need > 0 ? try Self.evict(db, need: need, above: sealed) : EvictionOutcome()
            // Whatever old data could not cover is taken from the new rows: telemetry first.
            var keep = rows
            if outcome.freed < need {
                for kind in [RecordKind.telemetry, .event] {
                    while outcome.freed < need, let index = keep.firstIndex(where: { $0.kind == kind }) {
                        outcome.freed += Int64(keep[index].body.count) + Self.rowOverhead
                        outcome.count(kind)
                        keep.remove(at: index)
                    }
                }
            }
            let insert = try db.cachedStatement(sql: "INSERT INTO record(kind, at, ts, body) VALUES (?, ?, ?, ?)")
            for row in keep {
                try insert.execute(arguments: [row.kind.rawValue, now, row.ts, row.body])
                outcome.inserted += 1
                outcome.insertedBytes += Int64(row.body.count) + Self.rowOverhead
            }
            if let state, let stateData {
                try db.execute(
                    sql: "INSERT INTO device_state(name, state) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET state = excluded.state",
                    arguments: [state.name, stateData])
            }
            try JournalSchema.addMeta(db, .evictedTelemetry, outcome.telemetry)
            try JournalSchema.addMeta(db, .evictedEvents, outcome.events)
            if outcome.evictedRows > 0 || !hadOldest {
                outcome.oldest = try Int64.fetchOne(db, sql: "SELECT ts FROM record ORDER BY id LIMIT 1")
            }
            return outcome
        }
        depth += outcome.inserted - outcome.evictedRows
        bytes += outcome.insertedBytes - outcome.evictedBytes
        evictedTelemetry += outcome.telemetry
        evictedEvents += outcome.events
        if outcome.evictedRows > 0 || oldestUnsent == nil {
            oldestUnsent = outcome.oldest.map { SourceTime(epochMilliseconds: $0) }
        }
    }
}
