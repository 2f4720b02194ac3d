import Foundation
import HopProtocol
import Hummingbird
import Logging
import NIOConcurrencyHelpers
import NIOCore

/// The hub the fleet uploads to: a real HTTP listener (Hummingbird) answering `GET /api/health`
/// and `POST /api/ingest/batch` with the hub's receipt. Its capacity is a model of the real hub's
/// group-commit writer: one batch at a time, `service` each, at most `queueLimit` waiting; a batch
/// beyond that is answered 503 with `Retry-After: 1`, as the real hub does when its writer is
/// saturated. Stopping it (cancelling `run`) closes the listener: the fleet's connections are
/// refused, as when the hub process is killed.
struct FleetHub: Sendable {
    let port: Int
    let traffic: Traffic
    let writer: WriterModel
    let trips: TripArrivals

    func run() async throws {
        let router = Router()
        let (traffic, writer, trips) = (traffic, writer, trips)
        router.get("api/health") { _, _ -> String in
            traffic.count(.hubProbe)
            return "{\"status\":\"ok\"}"
        }
        router.post("api/ingest/batch") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 64 << 20)
            let batch = try JSONDecoder().decode(Batch.self, from: Data(body.readableBytesView))
            guard let done = writer.admit() else {
                traffic.count(.hubRefused)
                return Response(status: .serviceUnavailable, headers: [.retryAfter: "1"])
            }
            try await Task.sleep(until: done, clock: .continuous)
            traffic.count(.hubAccepted)
            if batch.events.contains(where: { $0.eventType == "FEEDER_TRIP" }) { trips.record(batch.edgeID.rawValue) }
            let receipt = BatchReceipt(
                edgeID: batch.edgeID, seq: batch.seq, duplicate: false, telemetry: batch.telemetry.count,
                events: batch.events.count, outages: 0)
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(bytes: try JSONEncoder().encode(receipt))))
        }
        var logger = Logger(label: "fleet-hub")
        logger.logLevel = .critical  // a cancelled server logs its open connections as errors
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)), logger: logger)
        try await app.run()
    }
}

/// A serial writer: each admitted batch finishes `service` after the one before it.
final class WriterModel: Sendable {
    let service: Duration
    let queueLimit: Int
    private let busyUntil = NIOLockedValueBox(ContinuousClock.now)

    init(service: Duration, queueLimit: Int) {
        self.service = service
        self.queueLimit = queueLimit
    }

    /// When an admitted batch is committed, or nil when the queue is full.
    func admit() -> ContinuousClock.Instant? {
        busyUntil.withLockedValue { busy in
            let now = ContinuousClock.now
            let start = max(busy, now)
            guard start - now <= service * queueLimit else { return nil }
            busy = start + service
            return busy
        }
    }
}

/// When each edge's trip was committed at the hub (bench seconds).
final class TripArrivals: Sendable {
    private let traffic: Traffic
    private let arrived = NIOLockedValueBox<[String: Double]>([:])

    init(traffic: Traffic) { self.traffic = traffic }

    func record(_ edge: String) {
        let now = traffic.now()
        arrived.withLockedValue { if $0[edge] == nil { $0[edge] = now } }
    }

    var all: [String: Double] { arrived.withLockedValue { $0 } }
}
