import Foundation
import GRDB
import HopProtocol

/// Everything `hop-edge status` shows, read straight from the journal file (the agent may or may
/// not be running).
public struct JournalStatus: Codable, Sendable {
    public struct SealedBatch: Codable, Sendable {
        public var seq: Int64
        public var records: Int64
        public var attempts: Int64
        public var lastAttemptAt: SourceTime?
        public var lastError: String?
    }

    public struct Quarantined: Codable, Sendable {
        public var seq: Int64
        public var quarantinedAt: SourceTime
        public var status: Int64
        public var reason: String
        public var records: Int64
    }

    public var journal: String
    public var agentRunning: Bool
    public var agentPID: Int64?
    public var agentStartedAt: SourceTime?
    public var depth: Int64
    public var telemetryRows: Int64
    public var eventRows: Int64
    public var bytes: Int64
    public var fileBytes: Int64
    public var oldestUnsent: SourceTime?
    public var oldestUnsentAgeSeconds: Double?
    public var nextSeq: Int64
    public var lastAckSeq: Int64?
    public var lastAckAt: SourceTime?
    public var ackedRecords: Int64
    public var inFlight: SealedBatch?
    public var evictedTelemetry: Int64
    public var evictedEvents: Int64
    public var quarantinedTotal: Int64
    public var quarantine: [Quarantined]
    public var devices: [DeviceState]

    /// Reads the status of the journal at `path` without modifying it.
    public static func read(path: String, now: SourceTime = .now()) throws(JournalError) -> JournalStatus {
        guard FileManager.default.fileExists(atPath: path) else {
            throw JournalError(path: path, operation: "status", message: "no journal file (has the agent ever run?)")
        }
        do {
            let db = try DatabaseQueue(path: path, configuration: SQLiteJournal.configuration(readOnly: true))
            return try db.read { db in
                func meta(_ key: JournalSchema.Key) throws -> Int64 { try JournalSchema.meta(db, key) }
                let counts = try Row.fetchAll(db, sql: "SELECT kind, COUNT(*), COALESCE(SUM(length(body)), 0) FROM record GROUP BY kind")
                var telemetry: Int64 = 0, events: Int64 = 0, bytes: Int64 = 0
                for row in counts {
                    if (row[0] as Int) == RecordKind.event.rawValue { events = row[1] } else { telemetry = row[1] }
                    bytes += row[2] as Int64
                }
                let oldest = try Int64.fetchOne(db, sql: "SELECT ts FROM record ORDER BY id LIMIT 1").map(SourceTime.init(epochMilliseconds:))
                let inFlight = try Row.fetchOne(db, sql: "SELECT * FROM batch ORDER BY seq LIMIT 1").map {
                    SealedBatch(
                        seq: $0["seq"], records: $0["records"], attempts: $0["attempts"],
                        lastAttemptAt: ($0["last_attempt_at"] as Int64?).map(SourceTime.init(epochMilliseconds:)),
                        lastError: $0["last_error"])
                }
                let quarantine = try Row.fetchAll(
                    db, sql: "SELECT seq, quarantined_at, status, reason, records FROM quarantine ORDER BY seq"
                ).map {
                    Quarantined(
                        seq: $0["seq"], quarantinedAt: SourceTime(epochMilliseconds: $0["quarantined_at"]), status: $0["status"],
                        reason: $0["reason"], records: $0["records"])
                }
                let devices = try Data.fetchAll(db, sql: "SELECT state FROM device_state ORDER BY name").compactMap {
                    try? JSONDecoder().decode(DeviceState.self, from: $0)
                }
                let pid = try meta(.agentPID)
                let pageCount = try Int64.fetchOne(db, sql: "PRAGMA page_count") ?? 0
                let pageSize = try Int64.fetchOne(db, sql: "PRAGMA page_size") ?? 0
                let lastAck = try meta(.lastAckSeq)
                return JournalStatus(
                    journal: path, agentRunning: pid > 0 && kill(pid_t(pid), 0) == 0, agentPID: pid > 0 ? pid : nil,
                    agentStartedAt: pid > 0 ? SourceTime(epochMilliseconds: try meta(.agentStartedAt)) : nil,
                    depth: telemetry + events, telemetryRows: telemetry, eventRows: events,
                    bytes: bytes + (telemetry + events) * SQLiteJournal.rowOverhead, fileBytes: pageCount * pageSize,
                    oldestUnsent: oldest,
                    oldestUnsentAgeSeconds: oldest.map { Double(now.epochMilliseconds - $0.epochMilliseconds) / 1000 },
                    nextSeq: try meta(.nextSeq), lastAckSeq: lastAck > 0 ? lastAck : nil,
                    lastAckAt: lastAck > 0 ? SourceTime(epochMilliseconds: try meta(.lastAckAt)) : nil,
                    ackedRecords: try meta(.ackedRecords), inFlight: inFlight,
                    evictedTelemetry: try meta(.evictedTelemetry), evictedEvents: try meta(.evictedEvents),
                    quarantinedTotal: try meta(.quarantinedTotal), quarantine: quarantine, devices: devices)
            }
        } catch {
            throw JournalError(path: path, operation: "status", message: "\(error)")
        }
    }

    /// Writes every quarantined batch body to `directory/quarantine-<seq>.json`; returns the files.
    public static func exportQuarantine(path: String, to directory: String) throws(JournalError) -> [String] {
        do {
            let db = try DatabaseQueue(path: path, configuration: SQLiteJournal.configuration(readOnly: true))
            let rows = try db.read { db in try Row.fetchAll(db, sql: "SELECT seq, body FROM quarantine ORDER BY seq") }
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            return try rows.map { row in
                let file = URL(fileURLWithPath: directory).appendingPathComponent("quarantine-\(row["seq"] as Int64).json")
                try (row["body"] as Data).write(to: file)
                return file.path
            }
        } catch {
            throw JournalError(path: path, operation: "export quarantine", message: "\(error)")
        }
    }
}
