import Foundation
import HopProtocol
import Testing

@testable import HopEdge

/// The journal against real SQLite files.
@Suite struct JournalTests {
    static func reading(_ i: Int, at ms: Int64 = 1_790_000_000_000) -> JournalEntry {
        .telemetry(Telemetry(
            substationID: "SUB001", feederID: "FDR001", deviceID: "SUB001-FDR001", voltageKV: 13.8, currentA: Double(i),
            powerMW: 1.5, frequencyHz: 60, ts: SourceTime(epochMilliseconds: ms + Int64(i))))
    }

    static func event(_ i: Int) -> JournalEntry {
        .event(GridEvent(substationID: "SUB001", severity: "ALARM", eventType: "FEEDER_TRIP", message: "e\(i)"))
    }

    static let limits = BatchLimits(maxRecords: 100, maxBytes: 1 << 20, maxAge: .seconds(3600))

    func currents(_ batch: PendingBatch) throws -> [Double] {
        try batch.telemetry.map { try JSONDecoder().decode(Telemetry.self, from: Data($0)).currentA ?? -1 }
    }

    @Test func sealsOnlyWhenFullOldOrForcedAndAcksDelete() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let journal = try SQLiteJournal(config: JournalConfig(path: dir.path + "/j.sqlite"))
        try await journal.append((0..<150).map { Self.reading($0) }, state: nil)
        #expect(await journal.counters().depth == 150)
        let first = try #require(try await journal.nextBatch(limits: Self.limits, now: .now(), force: false))
        #expect(first.recordCount == 100)
        #expect(try currents(first) == (0..<100).map(Double.init))
        // Until acknowledged, the same batch comes back.
        let again = try #require(try await journal.nextBatch(limits: Self.limits, now: .now(), force: false))
        #expect(again.seq == first.seq && again.lastID == first.lastID)
        try await journal.acknowledge(first, at: .now())
        #expect(await journal.counters().depth == 50)
        // 50 left: not full, not old → nothing; forced → sealed with the next seq.
        #expect(try await journal.nextBatch(limits: Self.limits, now: .now(), force: false) == nil)
        let rest = try #require(try await journal.nextBatch(limits: Self.limits, now: .now(), force: true))
        #expect(rest.seq == first.seq + 1)
        #expect(try currents(rest) == (100..<150).map(Double.init))
        try await journal.acknowledge(rest, at: .now())
        #expect(await journal.counters().depth == 0)
        #expect(await journal.counters().oldestUnsent == nil)
    }

    @Test func anEventIsSealedAtOnceWithTheReadingsBeforeIt() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let journal = try SQLiteJournal(config: JournalConfig(path: dir.path + "/j.sqlite"))
        try await journal.append((0..<3).map { Self.reading($0) }, state: nil)
        #expect(try await journal.nextBatch(limits: Self.limits, now: .now(), force: false) == nil, "readings wait for max_age")
        try await journal.append([Self.event(1)], state: nil)
        let batch = try #require(try await journal.nextBatch(limits: Self.limits, now: .now(), force: false), "a trip does not wait")
        #expect(batch.events.count == 1 && batch.telemetry.count == 3)
    }

    @Test func aBatchSealedBeforeACrashIsResentIdenticallyAndSeqSurvivesReopen() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = JournalConfig(path: dir.path + "/j.sqlite")
        var sealed: PendingBatch?
        do {
            let journal = try SQLiteJournal(config: config)
            try await journal.append((0..<120).map { Self.reading($0) }, state: nil)
            sealed = try await journal.nextBatch(limits: Self.limits, now: .now(), force: false)
        }
        let before = try #require(sealed)
        let reopened = try SQLiteJournal(config: config)
        try await reopened.append([Self.reading(999)], state: nil)
        let after = try #require(try await reopened.nextBatch(limits: Self.limits, now: .now(), force: false))
        #expect(after == before)
        try await reopened.acknowledge(after, at: .now())
        let next = try #require(try await reopened.nextBatch(limits: Self.limits, now: .now(), force: true))
        #expect(next.seq == before.seq + 1)
        #expect(try currents(next) == (100..<120).map(Double.init) + [999])
    }

    @Test func seqStartsAboveAnyEarlierJournalOfTheSameEdge() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let journal = try SQLiteJournal(config: JournalConfig(path: dir.path + "/j.sqlite"))
        try await journal.append([Self.reading(1)], state: nil)
        let batch = try #require(try await journal.nextBatch(limits: Self.limits, now: .now(), force: true))
        #expect(batch.seq >= SourceTime.now().epochMilliseconds - 60_000)
    }

    @Test func evictionDropsOldestReadingsFirstAndKeepsEventsAndTheSealedBatch() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let journal = try SQLiteJournal(config: JournalConfig(path: dir.path + "/j.sqlite", quotaBytes: 64 * 1024, minFreeDiskBytes: 0))
        try await journal.append((0..<10).map { Self.reading($0) }, state: nil)
        let sealed = try #require(try await journal.nextBatch(limits: Self.limits, now: .now(), force: true))
        try await journal.append((0..<5).map { Self.event($0) }, state: nil)
        for chunk in 0..<20 {
            try await journal.append((0..<50).map { Self.reading(1000 + chunk * 50 + $0) }, state: nil)
        }
        let counters = await journal.counters()
        #expect(counters.bytes <= 64 * 1024)
        #expect(counters.evictedTelemetry > 0)
        #expect(counters.evictedEvents == 0)
        // The sealed batch is intact and comes back unchanged.
        let again = try #require(try await journal.nextBatch(limits: Self.limits, now: .now(), force: false))
        #expect(again == sealed)
        try await journal.acknowledge(again, at: .now())
        // Events survive; the surviving readings are the newest ones.
        let rest = try #require(try await journal.nextBatch(limits: BatchLimits(maxRecords: 20_000, maxBytes: 1 << 24, maxAge: .zero), now: .now(), force: true))
        #expect(rest.events.count == 5)
        let kept = try currents(rest)
        #expect(kept.last == 1999)
        #expect(kept == kept.sorted())
        #expect(Int64(kept.count) + counters.evictedTelemetry == 1000)
        let status = try JournalStatus.read(path: dir.path + "/j.sqlite")
        #expect(status.evictedTelemetry == counters.evictedTelemetry)
    }

    @Test func belowTheDiskFloorTheJournalStopsGrowing() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let journal = try SQLiteJournal(
            config: JournalConfig(path: dir.path + "/j.sqlite", quotaBytes: 1 << 30, minFreeDiskBytes: 1 << 20),
            freeDisk: { 1000 })
        try await journal.append((0..<100).map { Self.reading($0) }, state: nil)
        // Nothing older to evict: new readings are dropped and counted, events kept.
        try await journal.append([Self.event(1)] + (0..<10).map { Self.reading(100 + $0) }, state: nil)
        let counters = await journal.counters()
        #expect(counters.evictedTelemetry >= 100)
        #expect(counters.depth <= 1)
    }

    @Test func quarantineSetsTheBatchAsideKeepsItsBodyAndUnblocksTheNext() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.path + "/j.sqlite"
        let journal = try SQLiteJournal(config: JournalConfig(path: path))
        try await journal.append((0..<150).map { Self.reading($0) }, state: nil)
        let bad = try #require(try await journal.nextBatch(limits: Self.limits, now: .now(), force: false))
        try await journal.recordFailure(bad, error: "HTTP 503", at: .now())
        try await journal.quarantine(bad, body: Array("{\"refused\":true}".utf8), status: 422, reason: "HTTP 422: bad", at: .now())
        let next = try #require(try await journal.nextBatch(limits: Self.limits, now: .now(), force: true))
        #expect(next.seq == bad.seq + 1)
        #expect(try currents(next).first == 100)
        let status = try JournalStatus.read(path: path)
        #expect(status.quarantinedTotal == 1)
        #expect(status.quarantine.map(\.seq) == [bad.seq])
        #expect(status.inFlight?.seq == next.seq)
        let files = try JournalStatus.exportQuarantine(path: path, to: dir.path + "/export")
        #expect(files.count == 1)
        #expect(try String(contentsOfFile: files[0], encoding: .utf8) == "{\"refused\":true}")
    }

    @Test func requeuedQuarantineGoesOutAgainUnderANewSeq() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let journal = try SQLiteJournal(config: JournalConfig(path: dir.path + "/j.sqlite"))
        try await journal.append((0..<3).map { Self.reading($0) } + [Self.event(7)], state: nil)
        let refused = try #require(try await journal.nextBatch(limits: Self.limits, now: .now(), force: true))
        let body = BatchBody.encode(edgeID: "e", seq: refused.seq, sentAt: .now(), batch: refused, health: nil)
        try await journal.quarantine(refused, body: body, status: 403, reason: "HTTP 403", at: .now())
        #expect(await journal.counters().depth == 0)
        let (batches, records) = try await journal.requeueQuarantine(seqs: nil)
        #expect(batches == 1 && records == 4)
        let again = try #require(try await journal.nextBatch(limits: Self.limits, now: .now(), force: true))
        #expect(again.seq > refused.seq)
        #expect(try currents(again) == [0, 1, 2])
        #expect(again.events.count == 1)
        #expect(try JournalStatus.read(path: dir.path + "/j.sqlite").quarantine.isEmpty)
    }

    @Test func deviceStateIsRememberedAcrossReopen() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = JournalConfig(path: dir.path + "/j.sqlite")
        do {
            let journal = try SQLiteJournal(config: config)
            let state = DeviceState(name: "rtu", substationID: "SUB001", commState: "failed", breakers: ["FDR001": false])
            try await journal.append([], state: state)
        }
        let states = try await SQLiteJournal(config: config).deviceStates()
        #expect(states.map(\.commState) == ["failed"])
        #expect(states.first?.breakers == ["FDR001": false])
    }

    @Test func aCorruptFileIsReportedWithItsPath() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.path + "/j.sqlite"
        try Data(repeating: 0x41, count: 8192).write(to: URL(fileURLWithPath: path))
        #expect {
            _ = try SQLiteJournal(config: JournalConfig(path: path))
        } throws: { error in
            (error as? JournalError)?.path == path && (error as? JournalError)?.operation == "open"
        }
    }
}
