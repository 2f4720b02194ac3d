import CompressNIO
import Foundation
import HopProtocol
import Logging
import NIOCore
import HopTestSupport
import Testing

@testable import HopEdge

/// A hub double answering from a script, then 200; it decodes every body it receives.
actor ScriptedHub: HubClient {
    enum Answer { case status(Int, [String: String]), network, foreign200 }
    private var script: [Answer]
    private(set) var received: [Batch] = []
    private(set) var gzipFlags: [Bool] = []
    /// `post` and `probe`, in the order they came.
    private(set) var calls: [String] = []

    init(_ script: [Answer]) { self.script = script }

    nonisolated func postBatch(_ body: [UInt8], gzip: Bool) async throws(HubTransportError) -> HubResponse {
        let answer = await next(body, gzip: gzip)
        switch answer {
        case .network: throw HubTransportError(url: "fake", message: "connection refused")
        case .status(let code, let headers):
            guard (200..<300).contains(code), let batch = await received.last else {
                return HubResponse(status: code, headers: headers, body: Array("{}".utf8))
            }
            let receipt = BatchReceipt(edgeID: batch.edgeID, seq: batch.seq, duplicate: false, telemetry: 0, events: 0, outages: 0)
            return HubResponse(status: code, headers: headers, body: Array((try? JSONEncoder().encode(receipt)) ?? Data()))
        case .foreign200: return HubResponse(status: 200, body: Array("<html>Welcome to the hotel Wi-Fi</html>".utf8))
        }
    }

    nonisolated func probe() async throws(HubTransportError) -> Int {
        switch await nextProbe() {
        case .network: throw HubTransportError(url: "fake", message: "connection refused")
        case .status(let code, _): return code
        case .foreign200: return 200
        }
    }

    private func nextProbe() -> Answer {
        calls.append("probe")
        return script.isEmpty ? .status(200, [:]) : script.removeFirst()
    }

    private func next(_ body: [UInt8], gzip: Bool) -> Answer {
        calls.append("post")
        var data = body
        if gzip {
            var buffer = ByteBuffer(bytes: body)
            data = (try? buffer.decompress(with: .gzip())).map { Array($0.readableBytesView) } ?? []
        }
        if let batch = try? JSONDecoder().decode(Batch.self, from: Data(data)) { received.append(batch) }
        gzipFlags.append(gzip)
        return script.isEmpty ? .status(200, [:]) : script.removeFirst()
    }
}

@Suite struct UploaderTests {
    func makeUploader(_ hub: ScriptedHub, dir: URL, clock: ManualClock, gzip: Bool = true) throws -> (Uploader, SQLiteJournal) {
        let journal = try SQLiteJournal(config: JournalConfig(path: dir.path + "/j.sqlite"))
        let config = UploadConfig(
            maxRecords: 10, maxBytes: 1 << 20, maxAge: .milliseconds(100), gzip: gzip, backoffInitial: .seconds(1),
            backoffMax: .seconds(8))
        let uploader = Uploader(
            edgeID: "edge-test", journal: journal, client: hub, board: DeviceStatusBoard(), config: config, clock: clock,
            logger: Logger(label: "test"))
        return (uploader, journal)
    }

    @Test func retryableAnswersKeepTheBatchAndPermanentOnesQuarantineIt() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let hub = ScriptedHub([.network, .status(503, ["retry-after": "7"]), .status(500, [:]), .status(200, [:]), .status(422, [:])])
        let clock = ManualClock()
        let (uploader, journal) = try makeUploader(hub, dir: dir, clock: clock)
        try await journal.append((0..<25).map { JournalTests.reading($0) }, state: nil)
        #expect(await uploader.attempt(force: false) == .retry(.unreachable))
        #expect(await uploader.attempt(force: false) == .retry(.retryAfter(.seconds(7))))
        #expect(await uploader.attempt(force: false) == .retry(.failed))
        #expect(await uploader.attempt(force: false) == .sent)
        #expect(await uploader.attempt(force: false) == .quarantined)
        #expect(await uploader.attempt(force: false) == .idle)  // 5 left, younger than max_age
        #expect(await uploader.attempt(force: true) == .sent)
        let seqs = await hub.received.map(\.seq)
        #expect(seqs.count == 6)
        // The same seq is retried until accepted; delivery stays in order.
        #expect(Set(seqs[0...3]).count == 1)
        #expect(seqs[4] == seqs[0] + 1 && seqs[5] == seqs[0] + 2)
        let status = try JournalStatus.read(path: dir.path + "/j.sqlite")
        #expect(status.quarantine.map(\.seq) == [seqs[4]])
        #expect(status.depth == 0)
        #expect(status.ackedRecords == 15)
    }

    @Test func aTwoHundredWithoutTheHubsReceiptDeletesNothing() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let hub = ScriptedHub([.foreign200, .status(200, [:])])
        let (uploader, journal) = try makeUploader(hub, dir: dir, clock: ManualClock())
        try await journal.append((0..<10).map { JournalTests.reading($0) }, state: nil)
        #expect(await uploader.attempt(force: false) == .retry(.failed))
        #expect(await journal.counters().depth == 10)
        #expect(await uploader.attempt(force: false) == .sent)
        #expect(await journal.counters().depth == 0)
        let seqs = await hub.received.map(\.seq)
        #expect(seqs.count == 2 && seqs[0] == seqs[1])
    }

    @Test func anUnreachableHubIsProbedWithinTheReconnectCapAndGetsTheBatchAsSoonAsItAnswers() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // The batch fails (connection refused), four probes fail, the fifth answers; the batch then
        // goes at once, is told Retry-After 3, and is taken.
        let hub = ScriptedHub([
            .network, .network, .network, .status(502, [:]), .network, .status(200, [:]),
            .status(429, ["retry-after": "3"]), .status(200, [:]),
        ])
        let clock = ManualClock()
        let (uploader, journal) = try makeUploader(hub, dir: dir, clock: clock)
        try await journal.append((0..<10).map { JournalTests.reading($0) }, state: nil)
        let task = Task { await uploader.loop() }
        defer { task.cancel() }
        try await waitUntil("the journal to drain") { await journal.counters().depth == 0 }
        task.cancel()
        try await finish("the upload loop, cancelled") { await task.value }
        #expect(await hub.calls == ["post", "probe", "probe", "probe", "probe", "probe", "post", "post"])
        #expect(await uploader.stats.retries == 6)  // every failed probe is a retry, as the failed POSTs
        let seqs = await hub.received.map(\.seq)
        #expect(seqs.count == 3 && Set(seqs).count == 1)
        // Full jitter under doubling ceilings (1 s, 2 s, then the 4 s reconnect cap although
        // backoff_max is 8 s); no sleep between the answered probe and the send.
        let sleeps = clock.sleeps
        #expect(sleeps.count >= 6)
        let ceilings: [Duration] = [.seconds(1), .seconds(2), .seconds(4), .seconds(4), .seconds(4)]
        for (sleep, ceiling) in zip(sleeps, ceilings) {
            #expect(sleep >= .zero && sleep <= ceiling, "slept \(sleep), ceiling \(ceiling)")
        }
        #expect(sleeps[5] >= .seconds(3) && sleeps[5] <= .seconds(6), "Retry-After 3 s is a floor, plus up to 3 s")
    }

    @Test func failedProbesAreCountedAgainstTheWaitingBatchSoStatusShowsTheLinksHealth() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let hub = ScriptedHub([.network] + Array(repeating: .status(502, [:]), count: 200))
        let (uploader, journal) = try makeUploader(hub, dir: dir, clock: ManualClock())
        try await journal.append((0..<10).map { JournalTests.reading($0) }, state: nil)
        let task = Task { await uploader.loop() }
        defer { task.cancel() }
        try await waitUntil("attempts from probes") {
            (try JournalStatus.read(path: dir.path + "/j.sqlite").inFlight?.attempts ?? 0) >= 5
        }
        task.cancel()
        let status = try JournalStatus.read(path: dir.path + "/j.sqlite")
        try await finish("the upload loop, cancelled") { await task.value }
        #expect(status.inFlight?.lastError == "probe: HTTP 502")
        #expect(await hub.received.count == 1)  // the batch itself went once; then only probes
    }

    @Test func theLoopPreparesTheNextBatchAheadButSendsStrictlyInOrder() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let hub = ScriptedHub([.status(200, [:]), .status(503, ["retry-after": "1"]), .status(200, [:]), .status(422, [:])])
        let clock = ManualClock()
        let (uploader, journal) = try makeUploader(hub, dir: dir, clock: clock)
        try await journal.append((0..<45).map { JournalTests.reading($0) }, state: nil)
        let task = Task { await uploader.loop() }
        defer { task.cancel() }
        try await waitUntil("all but the 5 youngest readings to be sent") { await journal.counters().depth <= 5 }
        task.cancel()
        try await finish("the upload loop, cancelled") { await task.value }
        let seqs = await hub.received.map(\.seq)
        let first = try #require(seqs.first)
        // 1 ok; 2 refused once (503) then ok; 3 quarantined; 4 ok. Never a seq before its predecessor's answer.
        #expect(seqs == [first, first + 1, first + 1, first + 2, first + 3])
        let currents = await hub.received.map { $0.telemetry.compactMap(\.currentA) }
        #expect(currents[0] == (0..<10).map(Double.init))
        #expect(currents[1] == currents[2])
        #expect(currents[4] == (30..<40).map(Double.init))
        #expect(clock.sleeps.contains { $0 >= .seconds(1) && $0 <= .seconds(2) })  // Retry-After 1 plus up to 1 s
    }

    @Test func theBodyIsAGzippedBatchWithRecordsInOrderAndHealth() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let hub = ScriptedHub([])
        let (uploader, journal) = try makeUploader(hub, dir: dir, clock: ManualClock())
        try await journal.append((0..<3).map { JournalTests.reading($0) } + [JournalTests.event(1)], state: nil)
        #expect(await uploader.attempt(force: true) == .sent)
        let batch = try #require(await hub.received.first)
        #expect(await hub.gzipFlags == [true])
        #expect(batch.edgeID == "edge-test")
        #expect(batch.telemetry.map(\.currentA) == [0, 1, 2])
        #expect(batch.events.map(\.message) == ["e1"])
        #expect(batch.health?.journalDepth == 4)
        #expect(batch.health?.agentVersion == HopEdgeVersion.current)
        #expect(batch.telemetry.first?.ts == SourceTime(epochMilliseconds: 1_790_000_000_000))
    }

    @Test func statusCodesAreClassifiedLikeRemoteWrite() {
        #expect(ResponseClass(status: 200) == .accepted)
        for code in [400, 401, 403, 404, 409, 413, 415, 422] { #expect(ResponseClass(status: code) == .permanent) }
        for code in [408, 429, 500, 502, 503, 504, 302] { #expect(ResponseClass(status: code) == .retryable) }
    }

    @Test func backoffDoublesWithJitterUpToTheMaximum() {
        var backoff = Backoff(initial: .milliseconds(100), maximum: .seconds(1))
        var generator = SystemRandomNumberGenerator()
        let delays = (0..<6).map { _ in backoff.next(using: &generator) }
        let ceilings: [Int64] = [100, 200, 400, 800, 1000, 1000]
        for (delay, ceiling) in zip(delays, ceilings) {
            #expect(delay.milliseconds <= ceiling && delay.milliseconds >= ceiling / 2)
        }
        backoff.reset()
        #expect(backoff.ceiling == .milliseconds(100))
    }

    @Test func retryReasonsFollowTheAnswer() {
        #expect(HubResponse(status: 503).retryReason == .unreachable)
        #expect(HubResponse(status: 502).retryReason == .unreachable)
        #expect(HubResponse(status: 504).retryReason == .unreachable)
        #expect(HubResponse(status: 503, headers: ["retry-after": "2"]).retryReason == .retryAfter(.seconds(2)))
        #expect(HubResponse(status: 429, headers: ["retry-after": "1"]).retryReason == .retryAfter(.seconds(1)))
        #expect(HubResponse(status: 429).retryReason == .failed)
        #expect(HubResponse(status: 500).retryReason == .failed)
        #expect(HubResponse(status: 408).retryReason == .failed)
    }
}

@Suite struct ClockSkewTests {
    @Test func skewIsMeasuredAgainstTheHubsDateHeader() throws {
        let edge = try #require(SourceTime(rfc3339: "2026-11-26T16:10:00Z"))
        #expect(ClockSkew.seconds(dateHeader: "Thu, 26 Nov 2026 16:00:00 GMT", edgeNow: edge) == 600)
        #expect(ClockSkew.seconds(dateHeader: "Thu, 26 Nov 2026 16:10:30 GMT", edgeNow: edge) == -30)
        #expect(ClockSkew.seconds(dateHeader: "yesterday", edgeNow: edge) == nil)
        #expect(ClockSkew.seconds(dateHeader: nil, edgeNow: edge) == nil)
    }
}

extension ClockSkewTests {
    @Test func everyMonthParses() throws {
        let names = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        for (i, name) in names.enumerated() {
            let month = i < 9 ? "0\(i + 1)" : "\(i + 1)"
            let edge = try #require(SourceTime(rfc3339: "2027-\(month)-05T01:02:03Z"))
            #expect(ClockSkew.seconds(dateHeader: "Mon, 05 \(name) 2027 01:02:03 GMT", edgeNow: edge) == 0)
        }
    }
}
