import HopHubCore
import Logging
import PostgresNIO
import ServiceLifecycle

/// Keeps the store on the server that takes writes. Every `interval` it asks the current primary
/// `SELECT pg_is_in_recovery()` through the pool; when that fails, times out twice or answers true (the
/// server is gone, restarting, or now a standby), the store is marked unavailable — API requests
/// answer 503 at once and those waiting on the old pool fail — and the servers of `postgres.url`
/// are searched, in order, every `interval` until one takes writes (the same server once it is
/// back, or a standby once an administrator promoted it). Then a new pool is installed on it.
/// A `Service`: stops on graceful shutdown.
public struct PostgresPrimaryWatch: Service {
    let store: PostgresStore
    let interval: Duration
    let timeout: Duration
    /// Told each time a primary is installed after a loss (the live listener reconnects on it).
    let onNewPrimary: @Sendable (PostgresEndpoint) async -> Void

    public init(
        store: PostgresStore, interval: Duration = .seconds(1), timeout: Duration = .seconds(3),
        onNewPrimary: @escaping @Sendable (PostgresEndpoint) async -> Void = { _ in }
    ) {
        self.store = store
        self.interval = interval
        self.timeout = timeout
        self.onNewPrimary = onNewPrimary
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            var slowAnswers = 0
            while !Task.isCancelled {
                await check(slowAnswers: &slowAnswers)
                try? await Task.sleep(for: interval)
            }
        }
    }

    /// One round: checks the current primary, or searches for one while the store has none. A
    /// check that only timed out counts as a loss the second time in a row (a busy server is not a
    /// lost one); a refused or closed connection, or a server now in recovery, at once.
    func check(slowAnswers: inout Int) async {
        let logger = store.logger
        if store.primary.unavailable == nil {
            guard let (lost, timedOut) = await currentPrimaryProblem() else {
                slowAnswers = 0
                return
            }
            if timedOut {
                slowAnswers += 1
                guard slowAnswers >= 2 else { return }
            }
            slowAnswers = 0
            store.primary.lost(lost)
            logger.error("PostgreSQL primary lost; API requests answer 503 until a primary is found", metadata: ["reason": "\(lost.reason)"])
        }
        switch await PostgresPrimaryFinder(settings: store.settings, timeout: timeout, logger: logger).find() {
        case .success(let endpoint):
            do {
                try store.primary.install(endpoint)
            } catch {
                logger.error("could not start a pool on the PostgreSQL primary", metadata: ["server": "\(endpoint)", "error": "\(error)"])
                return
            }
            logger.notice("PostgreSQL primary found; serving again", metadata: ["server": "\(endpoint)"])
            await onNewPrimary(endpoint)
        case .failure(let unavailable):
            store.primary.lost(unavailable)
            logger.debug("no PostgreSQL primary yet", metadata: ["reason": "\(unavailable.reason)"])
        }
    }

    /// Why the current primary no longer serves (and whether it merely did not answer in time), or
    /// nil when it answers as a primary.
    private func currentPrimaryProblem() async -> (StoreUnavailable, timedOut: Bool)? {
        let (client, logger, endpoint) = (store.client, store.logger, store.primary.endpoint)
        let where_ = store.settings.description(of: endpoint)
        do {
            let inRecovery = try await withDeadline(timeout, what: "the primary's health check") {
                var answer = true
                for try await value in try await client.query("SELECT pg_is_in_recovery()", logger: logger).decode(Bool.self) {
                    answer = value
                }
                return answer
            }
            guard inRecovery else { return nil }
            return (StoreUnavailable(store: where_, operation: "a health check", reason: "the server is now a standby"), false)
        } catch {
            let lost =
                PostgresStore.unavailability(of: error, store: where_, operation: "a health check")
                ?? StoreUnavailable(store: where_, operation: "a health check", reason: PostgresStoreError.describe(error))
            guard error is PostgresTimeout else { return (lost, false) }
            // The pool waits for a connection when none can be made: ask the server directly, which
            // tells a refused connection (lost now) from a busy server (only slow).
            do {
                let inRecovery = try await PostgresPrimaryFinder(settings: store.settings, timeout: timeout, logger: logger)
                    .isInRecovery(endpoint)
                return (lost, !inRecovery)
            } catch {
                return (lost, error is PostgresTimeout)
            }
        }
    }
}
