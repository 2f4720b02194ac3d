import HopHubCore
import Logging
import PostgresNIO
import ServiceLifecycle
import Synchronization

/// Hears the other replicas' live news: one connection of its own to the current primary runs
/// `LISTEN hop_live` and hands every payload from another replica to `receive` (the live feed).
/// The connection is checked with `SELECT 1` every `pingInterval`; when it fails, the primary
/// changes (`reconnect()`) or the server goes away, the listener connects again (every `retry`
/// until it can) and, once listening again, tells the feed that news may have been missed
/// (`interrupted`: its streams resync). A `Service`: stops on graceful shutdown.
public final class PostgresLiveListener: Service, Sendable {
    let store: PostgresStore
    let replicaID: String
    let receive: @Sendable (LiveNews) -> Void
    let interrupted: @Sendable (String) -> Void
    let pingInterval: Duration
    let retry: Duration
    /// The running listen, cancelled by `reconnect()`.
    private let current = Mutex<Task<Void, any Error>?>(nil)
    /// Ends a listen whose connection closes under it.
    private let closes = ConnectionCloseWatch()

    public init(
        store: PostgresStore, replicaID: String, pingInterval: Duration = .seconds(5), retry: Duration = .seconds(1),
        receive: @escaping @Sendable (LiveNews) -> Void, interrupted: @escaping @Sendable (String) -> Void
    ) {
        self.store = store
        self.replicaID = replicaID
        self.pingInterval = pingInterval
        self.retry = retry
        self.receive = receive
        self.interrupted = interrupted
    }

    /// Drops the current connection and listens again on the store's current primary.
    public func reconnect() {
        current.withLock { $0?.cancel() }
    }

    public func run() async {
        let logger = store.logger
        await cancelWhenGracefulShutdown {
            var failures = 0
            while !Task.isCancelled {
                let attempt = Task { try await self.listenOnce() }
                self.current.withLock { $0 = attempt }
                // Not waited for past shutdown: a statement on a connection that closed under it may never return.
                var failure: (any Error)?
                do { try await abandonable { try await attempt.value } } catch { failure = error }
                attempt.cancel()
                guard !Task.isCancelled else { return }
                if let error = failure, !(error is CancellationError) {
                    // Once per outage at warning; the attempts after it every `retry` at debug.
                    if self.listening.withLock({ was in defer { was = false }; return was }) { failures = 0 }
                    logger.log(
                        level: failures == 0 ? .warning : .debug, "live listener lost its connection",
                        metadata: ["error": "\(PostgresStoreError.describe(error))", "attempts": "\(failures + 1)"])
                    failures += 1
                }
                try? await Task.sleep(for: self.retry)
            }
        }
    }

    /// Whether a LISTEN was ever established: each later one may have missed news.
    private let listenedBefore = Mutex(false)
    /// Whether the current connection got as far as LISTEN (its loss starts a new outage).
    private let listening = Mutex(false)

    /// One connection: LISTEN, then hand payloads over until it fails or is cancelled.
    private func listenOnce() async throws {
        let logger = store.logger
        let endpoint = store.primary.endpoint
        let finder = PostgresPrimaryFinder(settings: store.settings, logger: logger)
        let connection = try await PostgresConnection.connect(
            configuration: try finder.connectionConfiguration(endpoint), id: 1, logger: logger)
        defer { Task { try? await connection.close() } }
        try await closes.whileOpen(connection) { connection in try await self.listen(on: connection, endpoint: endpoint) }
    }

    /// Listens on `connection` until it fails or is cancelled, pinging it every `pingInterval`.
    private func listen(on connection: PostgresConnection, endpoint: PostgresEndpoint) async throws {
        let logger = store.logger
        try await connection.listen(on: PostgresLiveRelay.channel) { notifications in
            self.listening.withLock { $0 = true }
            // Listening now: news committed from here on arrives, so a client refetching after the
            // resync misses nothing.
            if self.listenedBefore.withLock({ before in defer { before = true }; return before }) {
                logger.notice("live listener connected again", metadata: ["server": "\(endpoint)"])
                self.interrupted("the connection carrying other hub replicas' updates was interrupted")
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for try await notification in notifications {
                        if LiveNews.origin(ofPayload: notification.payload) == self.replicaID { continue }
                        guard let news = LiveNews.decode(notification.payload), news.origin != self.replicaID else { continue }
                        self.receive(news)
                    }
                    throw PostgresTimeout(waitingFor: "notifications (the listen ended)", limit: .zero)
                }
                group.addTask {
                    while true {
                        try await Task.sleep(for: self.pingInterval)
                        try await withDeadline(.seconds(3), what: "the live listener's ping") {
                            for try await _ in try await connection.query("SELECT 1", logger: logger) {}
                        }
                    }
                }
                defer { group.cancelAll() }
                try await group.next()
            }
        }
    }
}
