import Foundation
import HopEdge
import HopProtocol

/// An edge's journal in memory, with the sealing rules the uploader relies on (a batch keeps its
/// seq and rows until acknowledged; later batches are sealed above it). The bench's edges need no
/// durability, and 1,000 SQLite files syncing on every poll would measure the disk, not the retries.
actor MemoryJournal: Journal {
    private struct Row {
        var id: Int64
        var json: [UInt8]
        var isEvent: Bool
        var appendedAt: ContinuousClock.Instant
    }

    private var rows: [Row] = []
    private var nextID: Int64 = 1
    private var sealed: [PendingBatch] = []
    private var lastSeq: Int64 = 0
    /// Rows up to this id are at the hub.
    private(set) var acknowledgedThrough: Int64 = 0

    /// The id the next appended row gets (everything below it was appended).
    var appendedThrough: Int64 { nextID - 1 }

    func append(_ entries: [JournalEntry], state: DeviceState?) async throws(JournalError) {
        let encoder = JSONEncoder()
        for entry in entries {
            let (json, isEvent): (Data?, Bool) =
                switch entry {
                case .telemetry(let t): (try? encoder.encode(t), false)
                case .event(let e): (try? encoder.encode(e), true)
                }
            rows.append(Row(id: nextID, json: Array(json ?? Data()), isEvent: isEvent, appendedAt: .now))
            nextID += 1
        }
    }

    func deviceStates() async throws(JournalError) -> [DeviceState] { [] }

    func nextBatch(limits: BatchLimits, now: SourceTime, force: Bool, after: Int64?) async throws(JournalError) -> PendingBatch? {
        if let batch = sealed.first(where: { after == nil || $0.seq > after! }) { return batch }
        let sealedThrough = sealed.last?.lastID ?? acknowledgedThrough
        let waiting = rows.filter { $0.id > sealedThrough }
        guard let oldest = waiting.first else { return nil }
        guard force || waiting.count >= limits.maxRecords || ContinuousClock.now - oldest.appendedAt >= limits.maxAge else {
            return nil
        }
        let taken = waiting.prefix(limits.maxRecords)
        lastSeq += 1
        let batch = PendingBatch(
            seq: lastSeq, firstID: oldest.id, lastID: taken.last?.id ?? oldest.id,
            telemetry: taken.filter { !$0.isEvent }.map(\.json), events: taken.filter(\.isEvent).map(\.json), attempts: 0)
        sealed.append(batch)
        return batch
    }

    func acknowledge(_ batch: PendingBatch, at: SourceTime) async throws(JournalError) {
        rows.removeAll { $0.id <= batch.lastID }
        sealed.removeAll { $0.seq == batch.seq }
        acknowledgedThrough = max(acknowledgedThrough, batch.lastID)
    }

    func quarantine(_ batch: PendingBatch, body: [UInt8], status: Int, reason: String, at: SourceTime) async throws(JournalError) {
        try await acknowledge(batch, at: at)
    }

    func recordFailure(_ batch: PendingBatch, error: String, at: SourceTime) async throws(JournalError) {
        if let i = sealed.firstIndex(where: { $0.seq == batch.seq }) { sealed[i].attempts += 1 }
    }

    func counters() async -> JournalCounters {
        JournalCounters(depth: Int64(rows.count), bytes: 0, oldestUnsent: nil, evictedTelemetry: 0, evictedEvents: 0, quarantined: 0)
    }
}
