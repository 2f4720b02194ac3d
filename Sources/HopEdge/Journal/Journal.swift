import HopProtocol

/// One record on its way to the hub.
public enum JournalEntry: Sendable, Hashable {
    case telemetry(Telemetry)
    case event(GridEvent)

    /// `0` for telemetry, `1` for events (the `kind` column).
    var kind: RecordKind {
        switch self {
        case .telemetry: .telemetry
        case .event: .event
        }
    }

    var sourceTime: SourceTime? {
        switch self {
        case .telemetry(let t): t.ts
        case .event(let e): e.ts
        }
    }
}

/// The `kind` column of a journal row. Events outrank telemetry under eviction.
public enum RecordKind: Int, Sendable, Hashable {
    case telemetry = 0
    case event = 1
}

/// What the journal remembers about a device between polls and across restarts.
public struct DeviceState: Codable, Sendable, Hashable {
    public var name: String
    public var substationID: SubstationID
    /// `ok`, `failed`, or `unknown` before the first poll.
    public var commState: String
    public var lastPollAt: SourceTime?
    public var lastPollLatencyMs: Double?
    public var lastError: String?
    /// Breaker closed (`true`) or open by feeder id, as last seen.
    public var breakers: [String: Bool]
    /// When the current comm failure started.
    public var failedSince: SourceTime?

    public init(
        name: String, substationID: SubstationID, commState: String = "unknown", lastPollAt: SourceTime? = nil,
        lastPollLatencyMs: Double? = nil, lastError: String? = nil, breakers: [String: Bool] = [:],
        failedSince: SourceTime? = nil
    ) {
        self.name = name
        self.substationID = substationID
        self.commState = commState
        self.lastPollAt = lastPollAt
        self.lastPollLatencyMs = lastPollLatencyMs
        self.lastError = lastError
        self.breakers = breakers
        self.failedSince = failedSince
    }
}

/// A sealed batch: a fixed `seq` and a fixed, contiguous range of journal rows. Re-sending it after
/// a crash sends exactly the same records under the same `seq`.
public struct PendingBatch: Sendable, Hashable {
    public var seq: Int64
    public var firstID: Int64
    public var lastID: Int64
    /// JSON bodies of the telemetry rows, in row order.
    public var telemetry: [[UInt8]]
    /// JSON bodies of the event rows, in row order.
    public var events: [[UInt8]]
    public var attempts: Int

    public var recordCount: Int { telemetry.count + events.count }

    public init(seq: Int64, firstID: Int64, lastID: Int64, telemetry: [[UInt8]], events: [[UInt8]], attempts: Int) {
        self.seq = seq
        self.firstID = firstID
        self.lastID = lastID
        self.telemetry = telemetry
        self.events = events
        self.attempts = attempts
    }
}

/// When to cut a batch.
public struct BatchLimits: Sendable, Hashable {
    public var maxRecords: Int
    public var maxBytes: Int
    public var maxAge: Duration

    public init(maxRecords: Int, maxBytes: Int, maxAge: Duration) {
        self.maxRecords = maxRecords
        self.maxBytes = maxBytes
        self.maxAge = maxAge
    }
}

/// Counters for health reports, cheap to read.
public struct JournalCounters: Sendable, Hashable {
    public var depth: Int64
    public var bytes: Int64
    public var oldestUnsent: SourceTime?
    public var evictedTelemetry: Int64
    public var evictedEvents: Int64
    public var quarantined: Int64

    public init(
        depth: Int64, bytes: Int64, oldestUnsent: SourceTime?, evictedTelemetry: Int64, evictedEvents: Int64, quarantined: Int64
    ) {
        self.depth = depth
        self.bytes = bytes
        self.oldestUnsent = oldestUnsent
        self.evictedTelemetry = evictedTelemetry
        self.evictedEvents = evictedEvents
        self.quarantined = quarantined
    }

    public var evictedTotal: Int64 { evictedTelemetry + evictedEvents }

    /// Seconds since the oldest unacknowledged record was taken (0 when the journal is empty or
    /// the clock went back).
    public func oldestUnsentAgeSeconds(at now: SourceTime) -> Double {
        oldestUnsent.map { max(0, Double(now.epochMilliseconds - $0.epochMilliseconds) / 1000) } ?? 0
    }
}

/// The store-and-forward buffer between pollers and the uploader (format: docs/edge-journal.md).
public protocol Journal: Sendable {
    /// Commits `entries` (and the device's state) durably in one transaction, evicting per policy
    /// when the quota or the disk floor would be crossed.
    func append(_ entries: [JournalEntry], state: DeviceState?) async throws(JournalError)
    /// Every device state remembered.
    func deviceStates() async throws(JournalError) -> [DeviceState]
    /// The oldest sealed batch with a seq above `after` (any, when `nil`), or else a newly sealed one
    /// when enough records wait (or `force`).
    func nextBatch(limits: BatchLimits, now: SourceTime, force: Bool, after: Int64?) async throws(JournalError) -> PendingBatch?
    /// Deletes the batch's rows after the hub's 2xx.
    func acknowledge(_ batch: PendingBatch, at: SourceTime) async throws(JournalError)
    /// Sets the batch aside with the body that was refused; it no longer blocks delivery.
    func quarantine(_ batch: PendingBatch, body: [UInt8], status: Int, reason: String, at: SourceTime) async throws(JournalError)
    /// Notes a failed attempt.
    func recordFailure(_ batch: PendingBatch, error: String, at: SourceTime) async throws(JournalError)
    func counters() async -> JournalCounters
}

extension Journal {
    /// The oldest sealed batch, or a newly sealed one when enough records wait (or `force`).
    public func nextBatch(limits: BatchLimits, now: SourceTime, force: Bool) async throws(JournalError) -> PendingBatch? {
        try await nextBatch(limits: limits, now: now, force: force, after: nil)
    }
}

/// A journal I/O or format failure, naming the file and what was being done.
public struct JournalError: Error, Sendable, Hashable, CustomStringConvertible {
    public var path: String
    public var operation: String
    public var message: String

    public init(path: String, operation: String, message: String) {
        self.path = path
        self.operation = operation
        self.message = message
    }

    public var description: String { "journal \(path): \(operation): \(message)" }
}
