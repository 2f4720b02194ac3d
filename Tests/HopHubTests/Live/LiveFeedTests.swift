import Foundation
import HopProtocol
import Logging
import HopTestSupport
import Testing

@testable import HopHub
@testable import HopHubCore
@testable import HopHubSQLite

/// The live feed in isolation: inputs processed directly (`process`), streams read with `next`.
@Suite struct LiveFeedTests {
    static func feed(_ change: (inout LiveSettings) -> Void = { _ in }) async throws -> (LiveFeed, TestHub) {
        let t = try await TestHub.make()
        var settings = LiveSettings()
        change(&settings)
        return (LiveFeed(settings: settings, lookups: t.hub.sqlite, metrics: t.hub.metrics, logger: Logger(label: "test")), t)
    }

    static func write(_ sub: String?, now: Int64, outage: String? = nil, eventType: String = "FEEDER_TRIP") -> IngestWrite {
        let id = sub.map(SubstationID.init)
        return IngestWrite(
            telemetry: sub.map { [StoredTelemetry(Telemetry(substationID: SubstationID($0), feederID: "FDR001", frequencyHz: 60, ts: SourceTime(epochMilliseconds: now)), arrival: now)] } ?? [],
            events: [StoredEvent(ts: now, substationID: id, event: GridEvent(substationID: id, severity: "ALARM", eventType: eventType, message: "from \(sub ?? "nowhere")"))],
            outages: outage.map { [StoredOutage(ts: now, substationID: id, outage: Outage(outageID: OutageID($0), substationID: id, customersOut: 10, status: "ACTIVE"))] } ?? [],
            arrival: now)
    }

    /// Commits like the writer does, then hands the writes to the feed.
    static func commitAndProcess(_ feed: LiveFeed, _ t: TestHub, _ writes: [IngestWrite]) async throws {
        _ = try await t.hub.sqlite.commit(writes)
        await feed.process(.committed(writes))
    }

    /// Everything queued for `id` right now, without waiting.
    static func queued(_ feed: LiveFeed, _ id: UUID) async -> [LiveMessage] {
        await feed.subscribers[id]?.queue.compactMap { if case .message(let m) = $0 { m } else { nil } } ?? []
    }

    @Test func streamsOnlyCarryTheCallersSubstations() async throws {
        let (feed, t) = try await Self.feed()
        let sub1 = try await feed.subscribe(scope: .only(["SUB001"]), user: "op@example.com")
        let all = try await feed.subscribe(scope: .all, user: nil)
        let now = SourceTime.now().epochMilliseconds
        try await Self.commitAndProcess(feed, t, [Self.write("SUB002", now: now, outage: "O-2"), Self.write(nil, now: now), Self.write("SUB001", now: now, outage: "O-1")])
        await feed.process(.alert(AlertLogEntry(id: 1, decidedAt: .now(), kind: "FEEDER TRIP", substationID: "SUB002", feederID: nil, outcome: "sent", reason: nil, sourceTime: .now(), detail: "x")))

        let mine = await Self.queued(feed, sub1)
        #expect(Set(mine.map(\.kind)) == [.reading, .event, .outage], "\(mine.map(\.kind))")
        for m in mine {
            let json = try #require(m.json(for: .only(["SUB001"])))
            #expect(json.contains("SUB001") && !json.contains("SUB002") && !json.contains("nowhere"), "\(m.kind): \(json)")
        }
        let everything = await Self.queued(feed, all)
        #expect(everything.filter { $0.kind == .reading }.count == 2)
        #expect(everything.filter { $0.kind == .event }.count == 3, "the unattributed event goes to .all callers only")
        #expect(everything.filter { $0.kind == .outage }.count == 2)
        #expect(everything.filter { $0.kind == .alert }.count == 1)
        // Event payloads carry the stored id, as /api/query/events does.
        let stored = try await t.hub.sqlite.events(since: 0, scope: .all, limit: 10).map(\.id).sorted()
        let pushed = everything.filter { $0.kind == .event }.compactMap { Self.decode(EventRecord.self, $0.json)?.id }.sorted()
        #expect(pushed == stored)
    }

    @Test func edgeRecordsAreNarrowedToTheCallersSubstations() async throws {
        let (feed, t) = try await Self.feed()
        let sub1 = try await feed.subscribe(scope: .only(["SUB001"]), user: nil)
        let sub3 = try await feed.subscribe(scope: .only(["SUB003"]), user: nil)
        let now = SourceTime.now().epochMilliseconds
        let health = EdgeHealth(
            journalDepth: 7, oldestUnsentAgeSeconds: 1, evictedTotal: 0, quarantinedTotal: 0,
            devices: [DeviceHealth(name: "a", substationID: "SUB001", commState: "ok"), DeviceHealth(name: "b", substationID: "SUB002", commState: "ok")])
        var write = IngestWrite(edge: (EdgeID("edge-1"), 1, "all"), health: health, arrival: now)
        write.telemetry = ["SUB001", "SUB002"].map { StoredTelemetry(Telemetry(substationID: SubstationID($0), frequencyHz: 60, ts: SourceTime(epochMilliseconds: now)), arrival: now) }
        try await Self.commitAndProcess(feed, t, [write])
        let edge = try #require(await Self.queued(feed, sub1).first { $0.kind == .edge })
        let record = try #require(Self.decode(EdgeRecord.self, edge.json(for: .only(["SUB001"])) ?? ""))
        #expect(record.substations == ["SUB001"])
        #expect(record.health?.devices.map(\.substationID) == ["SUB001"])
        #expect(await Self.queued(feed, sub3).isEmpty)
    }

    @Test func aStreamThatFallsBehindGetsOneResyncInsteadOfItsQueue() async throws {
        let (feed, _) = try await Self.feed { $0.bufferMessages = 16 }
        let slow = try await feed.subscribe(scope: .all, user: nil)
        for i in 0..<40 {
            await feed.process(.alert(AlertLogEntry(id: Int64(i), decidedAt: .now(), kind: "ANOMALY", substationID: "SUB001", feederID: nil, outcome: "sent", reason: nil, sourceTime: .now(), detail: "\(i)")))
        }
        let queue = await Self.queued(feed, slow)
        #expect(queue.count <= 16)
        #expect(queue.first?.kind == .resync)
        #expect(queue.filter { $0.kind == .resync }.count == 1)
        // What follows the resync is the newest data, in order.
        let ids = queue.dropFirst().compactMap { Self.decode(AlertLogEntry.self, $0.json)?.id }
        #expect(ids == ids.sorted() && ids.last == 39)
        // The reader sees the resync first, then the rest.
        let frames = await feed.next(slow) ?? []
        guard case .message(let first) = frames.first else { Issue.record("no frame"); return }
        #expect(first.kind == .resync)
        #expect(frames.count == queue.count, "a reader takes the whole queue at once")
        #expect(await Self.queued(feed, slow).isEmpty)
    }

    @Test func endStreamsEndsEveryStreamOfThatUserAtOnce() async throws {
        let (feed, _) = try await Self.feed()
        let waiting = try await feed.subscribe(scope: .all, user: "Op@Example.com")
        let other = try await feed.subscribe(scope: .all, user: "op@example.com")
        let bystander = try await feed.subscribe(scope: .all, user: "exec@example.com")
        let reader = Task { await feed.next(waiting) }
        try await liveWaitUntil { await feed.subscribers[waiting]?.waiter != nil }
        #expect(await feed.endStreams(forUser: "op@example.com") == 2)
        guard let frames = await reader.value, case .closed(.accessChanged) = frames.first else {
            Issue.record("the waiting reader was not told why its stream ended")
            return
        }
        #expect(await liveEnding(feed, other) == .accessChanged)
        #expect(await feed.streamCount == 1)
        await feed.process(.alert(AlertLogEntry(id: 1, decidedAt: .now(), kind: "ANOMALY", substationID: "SUB001", feederID: nil, outcome: "sent", reason: nil, sourceTime: .now(), detail: "")))
        guard case .message(let m) = await feed.next(bystander)?.first else { Issue.record("bystander lost its stream"); return }
        #expect(m.kind == .alert)
    }

    @Test func lastEventIDReplaysWhatWasMissedOrAsksForResync() async throws {
        let (feed, _) = try await Self.feed()
        let first = try await feed.subscribe(scope: .only(["SUB001"]), user: nil)
        for (i, sub) in ["SUB001", "SUB002", "SUB001", "SUB001"].enumerated() {
            await feed.process(.alert(AlertLogEntry(id: Int64(i), decidedAt: .now(), kind: "ANOMALY", substationID: SubstationID(sub), feederID: nil, outcome: "sent", reason: nil, sourceTime: .now(), detail: "")))
        }
        let seen = await Self.queued(feed, first)
        #expect(seen.count == 3)
        let resumed = try await feed.subscribe(scope: .only(["SUB001"]), user: nil, lastEventID: feed.eventID(seen[0]))
        #expect(await Self.queued(feed, resumed).map(\.sequence) == seen.dropFirst().map(\.sequence))
        let stranger = try await feed.subscribe(scope: .all, user: nil, lastEventID: "zzz-5")
        #expect(await Self.queued(feed, stranger).map(\.kind) == [.resync])
    }

    @Test func readingsCoalescePerSubstationAndFeeder() async throws {
        let (feed, t) = try await Self.feed { $0.coalesceMilliseconds = 60_000 }
        let id = try await feed.subscribe(scope: .all, user: nil)
        let now = SourceTime.now().epochMilliseconds
        for i in 0..<5 {
            try await Self.commitAndProcess(feed, t, [IngestWrite(telemetry: [StoredTelemetry(Telemetry(substationID: "SUB001", feederID: "FDR001", frequencyHz: 60 + Double(i) / 100, ts: SourceTime(epochMilliseconds: now + Int64(i))), arrival: now)], arrival: now)])
        }
        let readings = await Self.queued(feed, id).filter { $0.kind == .reading }
        #expect(readings.count == 1, "later readings wait for the interval")
        #expect(Self.decode(LatestReading.self, readings[0].json)?.frequencyHz == 60)
    }

    @Test func maxStreamsIsEnforced() async throws {
        let (feed, _) = try await Self.feed { $0.maxStreams = 2 }
        _ = try await feed.subscribe(scope: .all, user: nil)
        _ = try await feed.subscribe(scope: .all, user: nil)
        await #expect(throws: LiveFeedError.tooManyStreams(2)) { try await feed.subscribe(scope: .all, user: nil) }
    }

    static func decode<T: Decodable>(_ type: T.Type, _ json: String) -> T? {
        try? JSONDecoder().decode(T.self, from: Data(json.utf8))
    }
}

/// Polls `condition` until it holds; fails the test (and throws) after `seconds`.
func liveWaitUntil(
    seconds: Double = 5, sourceLocation: SourceLocation = #_sourceLocation, _ condition: () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + .seconds(seconds)
    while try await !condition() {
        let beforeDeadline = ContinuousClock.now < deadline
        try #require(beforeDeadline, "condition still false after \(seconds) s", sourceLocation: sourceLocation)
        try await Task.sleep(for: .milliseconds(10))
    }
}

extension LiveFeedTests {
    /// A scoring pass over a fleet larger than the stream buffer reaches a reader that keeps up
    /// whole: the feed yields within bursts and a reader takes its whole queue at once.
    @Test func aBurstLargerThanTheBufferReachesAReaderThatKeepsUp() async throws {
        let (feed, _) = try await Self.feed()
        let id = try await feed.subscribe(scope: .all, user: nil)
        let reader = Task { () -> [LiveEventKind] in
            var kinds: [LiveEventKind] = []
            while let frames = await feed.next(id) {
                for case .message(let m) in frames { kinds.append(m.kind) }
                if kinds.count >= 3000 || kinds.contains(.resync) { break }
            }
            return kinds
        }
        try await liveWaitUntil { await feed.subscribers[id]?.waiter != nil }
        let result = ZScoreModel.Result(
            anomalyScore: 0.1, isAnomaly: false, zScore: 0.2, baselineMean: 60, baselineStd: 0.01, latestValue: 60, classification: .normal)
        let now = SourceTime.now().epochMilliseconds
        await feed.process(.scored((0..<3000).map { StoredScore(ts: now, substationID: SubstationID("SUB\($0)"), result: result) }))
        let kinds = try await finish("the reader, taking 3000 messages") { await reader.value }
        #expect(kinds.count == 3000 && !kinds.contains(.resync), "\(kinds.count) messages, resync: \(kinds.contains(.resync))")
    }
}
