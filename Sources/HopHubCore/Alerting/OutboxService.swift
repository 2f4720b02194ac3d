import HopProtocol
import Logging
import ServiceLifecycle

/// Delivers the alert outbox: woken by the engine the moment a mail is queued, and every
/// `pollSeconds` (or when the next retry is due) otherwise. A failed attempt is retried with
/// exponential backoff; the alert was decided (and counted against its cap) once, when queued,
/// so retries never count again. Rows are claimed before sending, so two hub processes sharing the
/// database do not send the same mail concurrently.
public struct OutboxService: Service {
    let store: any AlertStore
    let mailer: any Mailer
    let settings: SMTPSettings
    let signal: OutboxSignal
    let now: @Sendable () -> Int64
    let pollSeconds: Int
    let metrics: HubMetrics?
    let logger: Logger

    public init(
        store: any AlertStore, mailer: any Mailer, settings: SMTPSettings, signal: OutboxSignal,
        now: @escaping @Sendable () -> Int64 = { SourceTime.now().epochMilliseconds }, pollSeconds: Int = 30,
        metrics: HubMetrics? = nil, logger: Logger
    ) {
        self.store = store
        self.mailer = mailer
        self.settings = settings
        self.signal = signal
        self.now = now
        self.pollSeconds = pollSeconds
        self.metrics = metrics
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await deliverDue()
                var waitMs = Int64(pollSeconds) * 1000
                if let next = try? await store.nextOutboxAttempt() { waitMs = max(0, min(waitMs, next - now())) }
                if waitMs > 0 { await signal.wait(upTo: .milliseconds(waitMs)) }
            }
        }
    }

    /// Sends every due message once; returns how many were delivered.
    @discardableResult
    public func deliverDue() async -> Int {
        var delivered = 0
        do {
            while true {
                // One at a time: a claim must outlive its own attempt (timeout + margin), never a queue of them.
                let items = try await store.claimOutbox(now: now(), limit: 1, claimMs: Int64(settings.timeoutSeconds + 60) * 1000)
                if items.isEmpty { break }
                for item in items {
                    if await deliver(item) { delivered += 1 }
                }
            }
        } catch {
            logger.error("outbox read failed", metadata: ["error": "\(error)"])
        }
        return delivered
    }

    private func deliver(_ item: OutboxItem) async -> Bool {
        do {
            try await mailer.send(item.message)
            metrics?.mailAttempt(delivered: true)
            do {
                try await store.markDelivered(id: item.id, now: now())
            } catch {
                // The relay has it; the claim expires and the mail may go out once more (at-least-once).
                logger.error("alert mail delivered but not marked", metadata: ["outbox_id": "\(item.id)", "error": "\(error)"])
            }
            logger.info("alert mail delivered", metadata: ["outbox_id": "\(item.id)", "subject": "\(item.message.subject)"])
            return true
        } catch {
            metrics?.mailAttempt(delivered: false)
            let attempts = item.attempts + 1
            let retryAt = now() + settings.backoffMs(afterAttempts: attempts)
            logger.warning(
                "alert mail not delivered; will retry",
                metadata: ["outbox_id": "\(item.id)", "attempts": "\(attempts)", "retry_at": "\(retryAt)", "error": "\(error)"])
            do { try await store.markFailed(id: item.id, error: "\(error)", retryAt: retryAt) } catch {
                logger.error("outbox update failed", metadata: ["outbox_id": "\(item.id)", "error": "\(error)"])
            }
            return false
        }
    }
}
