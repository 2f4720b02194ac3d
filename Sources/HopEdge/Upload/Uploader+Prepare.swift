import HopProtocol
import Logging

extension Uploader {
    /// A batch ready to send: the JSON body (kept for quarantine) and the payload on the wire.
    struct Prepared: Sendable {
        var batch: PendingBatch
        var body: [UInt8]
        var payload: [UInt8]
        var gzip: Bool
    }

    /// A prepared batch, or why there is none.
    enum Preparation: Sendable {
        case ready(Prepared)
        case unavailable(Outcome)
    }

    /// Seals or reloads the next batch (the oldest, or the oldest above `after`) and encodes it.
    func prepare(force: Bool, after: Int64?) async -> Preparation {
        let now = clock.wall()
        let batch: PendingBatch
        do {
            guard let next = try await journal.nextBatch(limits: limits, now: now, force: force, after: after) else {
                return .unavailable(.idle)
            }
            batch = next
        } catch {
            logger.error("\(error)")
            return .unavailable(.retry(.failed))
        }
        let body = BatchBody.encode(edgeID: edgeID, seq: batch.seq, sentAt: now, batch: batch, health: await health(now))
        guard config.gzip else { return .ready(Prepared(batch: batch, body: body, payload: body, gzip: false)) }
        do {
            return .ready(Prepared(batch: batch, body: body, payload: try BatchBody.gzip(body), gzip: true))
        } catch {
            logger.error("gzip of batch \(batch.seq) failed: \(error); sending uncompressed")
            return .ready(Prepared(batch: batch, body: body, payload: body, gzip: false))
        }
    }
}
