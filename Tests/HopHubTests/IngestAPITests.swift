import CompressNIO
import Foundation
import GRDB
import HTTPTypes
import HopProtocol
import HummingbirdTesting
import Logging
import NIOCore
import HopTestSupport
import Testing

@testable import HopHub
@testable import HopHubCore
@testable import HopHubSQLite

@Suite struct IngestAPITests {
    @Test func seedExampleIsAcceptedVerbatimAndServed() async throws {
        let t = try await TestHub.make()
        try await t.live { client in
            let response = try await client.post("/api/ingest/telemetry", key: t.allKey, body: Fixtures.seedExample)
            #expect(response.status == .ok)
            let latest = try await client.get("/api/query/telemetry/latest", key: t.allKey).decode([LatestReading].self)
            #expect(latest.count == 1)
            #expect(latest.first?.siteName == "Portland North")
            #expect(latest.first?.powerMW == 274.2)
            #expect(latest.first?.frequencyHz == 60.002)
        }
    }

    @Test func eventAndOutageEndpoints() async throws {
        let t = try await TestHub.make()
        try await t.live { client in
            let trip = #"{"device_id":"SUB001-FDR002","feeder_id":"FDR002","severity":"ALARM","event_type":"FEEDER_TRIP","old_state":"CLOSED","new_state":"OPEN","message":"<b>trip</b>"}"#
            #expect(try await client.post("/api/ingest/event", key: t.allKey, body: trip).status == .ok)
            let events = try await client.get("/api/query/events?minutes=5", key: t.allKey).decode([EventRecord].self)
            #expect(events.count == 1)
            #expect(events.first?.event.substationID == "SUB001")  // derived from device_id
            #expect(events.first?.event.message == "<b>trip</b>")

            let open = #"{"outage_id":"OUT-1","substation_id":"SUB001","feeder_id":"FDR002","customers_out":1200,"mw_interrupted":3.5,"status":"ACTIVE","cause":"tree"}"#
            #expect(try await client.post("/api/ingest/outage", key: t.allKey, body: open).status == .ok)
            var active = try await client.get("/api/query/outages/active", key: t.allKey).decode([OutageRecord].self)
            #expect(active.map(\.outage.outageID) == ["OUT-1"])
            #expect(active.first?.outage.customersOut == 1200)

            // A partial update merges: customers change, cause is kept.
            let update = #"{"outage_id":"OUT-1","customers_out":800,"status":"ACTIVE"}"#
            #expect(try await client.post("/api/ingest/outage", key: t.allKey, body: update).status == .ok)
            active = try await client.get("/api/query/outages/active", key: t.allKey).decode([OutageRecord].self)
            #expect(active.first?.outage.customersOut == 800)
            #expect(active.first?.outage.cause == "tree")

            // Another substation may not take the outage over.
            let hijack = #"{"outage_id":"OUT-1","substation_id":"SUB002","status":"RESOLVED"}"#
            let conflict = try await client.post("/api/ingest/outage", key: t.allKey, body: hijack)
            #expect(conflict.status == .conflict)

            let resolved = #"{"outage_id":"OUT-1","status":"RESOLVED"}"#
            #expect(try await client.post("/api/ingest/outage", key: t.allKey, body: resolved).status == .ok)
            active = try await client.get("/api/query/outages/active", key: t.allKey).decode([OutageRecord].self)
            #expect(active.isEmpty)
        }
    }

    @Test func batchIsStoredOnceAndReSendIsADuplicate() async throws {
        let t = try await TestHub.make()
        try await t.live { client in
            let body = Fixtures.batchJSON(seq: 1, readings: 30)
            let first = try await client.post("/api/ingest/batch", key: t.allKey, body: body)
            #expect(first.status == .ok)
            let receipt = try first.decode(BatchReceipt.self)
            #expect(receipt.duplicate == false && receipt.telemetry == 30)
            let again = try await client.post("/api/ingest/batch", key: t.allKey, body: body).decode(BatchReceipt.self)
            #expect(again.duplicate == true && again.telemetry == 0)
            #expect(try await t.count("telemetry") == 30)
            let edges = try await client.get("/api/query/edges", key: t.allKey).decode([EdgeRecord].self)
            #expect(edges.first?.lastSeq == 1)
            #expect(edges.first?.health?.journalDepth == 5)
            #expect(edges.first?.substations == ["SUB001"])
            // Another key may not speak for this edge (it would move its sequence numbers).
            let hijack = try await client.post("/api/ingest/batch", key: t.sub1Key, body: Fixtures.batchJSON(seq: 99, readings: 1))
            #expect(hijack.status == .conflict)
            #expect(hijack.errorBody?.error.field == "edge_id")
            #expect(try await client.get("/api/query/edges", key: t.allKey).decode([EdgeRecord].self).first?.lastSeq == 1)
        }
    }

    @Test func gzipBatchIsAccepted() async throws {
        let t = try await TestHub.make()
        try await t.live { client in
            var plain = ByteBuffer(string: Fixtures.batchJSON(seq: 1, readings: 100))
            let gz = try plain.compress(with: .gzip())
            let response = try await client.post(
                "/api/ingest/batch", key: t.allKey, bytes: gz, headers: [.contentEncoding: "gzip"])
            #expect(response.status == .ok)
            #expect(try await t.count("telemetry") == 100)
        }
    }

    /// Every bad-input class: the right status and code, a message, and nothing stored.
    @Test(arguments: BadInput.all)
    func badInputIsRefusedAndStoresNothing(_ bad: BadInput) async throws {
        let t = try await TestHub.make { $0.maxBodyBytes = 2048 }
        let key = bad.key(t)
        try await t.live { client in
            let response = try await client.post(bad.path, key: key, bytes: bad.body(), headers: bad.headers)
            #expect(response.status.code == bad.status, "\(bad.name): \(response.text)")
            let error = try #require(response.errorBody, "\(bad.name): body is not the JSON error shape: \(response.text)")
            #expect(error.error.code.httpStatus == bad.status)
            #expect(!error.error.message.isEmpty)
            if let field = bad.field { #expect(error.error.field == field, "\(bad.name)") }
        }
        #expect(try await t.storedRows() == 0, "\(bad.name) stored something")
    }

    @Test func saturatedWriterRefusesAtOnceWith503AndRetryAfter() async throws {
        let t = try await TestHub.make()
        let gated = GatedStore(inner: t.hub.sqlite)
        let writer = IngestWriter(store: gated, maxPendingRecords: 1000, metrics: HubMetrics(), logger: .init(label: "test"))
        // Readings at distinct source times (the head keeps one per series and time), numbered on
        // from `first`.
        func write(_ n: Int, from first: Int64 = 0) -> IngestWrite {
            let readings = (0..<Int64(n)).map {
                StoredTelemetry(
                    Telemetry(substationID: "SUB001", frequencyHz: 60, ts: SourceTime(epochMilliseconds: 1_790_000_000_000 + first + $0)),
                    arrival: 1)
            }
            return IngestWrite(telemetry: readings, arrival: 1)
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await writer.run() }
            let first = Task { try await writer.submit(write(900)) }
            try await finish("the first commit to start") { await gated.waitUntilCommitStarted() }
            await #expect(throws: WriterError.saturated(queuedRecords: 900)) { try await writer.submit(write(200, from: 900)) }
            await gated.open()
            let firstOutcome = try await finish("the first write, after the gate opened") { try await first.value }
            let secondOutcome = try await writer.submit(write(200, from: 900))
            #expect(firstOutcome == .stored)
            #expect(secondOutcome == .stored)
            group.cancelAll()
        }
        #expect(try await t.count("telemetry") == 1100)
        let error = HubError(WriterError.saturated(queuedRecords: 900), retryAfterSeconds: 1)
        #expect(error.status.code == 503)
        #expect(error.retryAfterSeconds == 1)
    }
}

/// Holds commits until opened, so a test can fill the writer's queue deterministically.
actor GatedStore: IngestStore {
    let inner: any IngestStore
    private var isOpen = false
    private var waiting: [CheckedContinuation<Void, Never>] = []
    private var started: [CheckedContinuation<Void, Never>] = []
    private var commitStarted = false

    init(inner: any IngestStore) { self.inner = inner }

    func commit(_ writes: [IngestWrite]) async throws -> [IngestOutcome] {
        commitStarted = true
        started.forEach { $0.resume() }
        started.removeAll()
        if !isOpen { await withCheckedContinuation { waiting.append($0) } }
        return try await inner.commit(writes)
    }

    func waitUntilCommitStarted() async {
        if commitStarted { return }
        await withCheckedContinuation { started.append($0) }
    }

    func open() {
        isOpen = true
        waiting.forEach { $0.resume() }
        waiting.removeAll()
    }
}
