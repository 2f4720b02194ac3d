import HopHubCore
import Logging
import PostgresNIO
import ServiceLifecycle

/// Publishes this replica's live news to the others with `NOTIFY` on the `hop_live` channel (after
/// the commit: the feed hands news over only once it is durable). A payload stays under NOTIFY's
/// 8000-byte limit: larger news is split (`LiveNews.payloads`). Publishing never blocks the writer:
/// news is queued and sent by this service's loop; news that cannot be sent (the database is down)
/// is dropped and logged — the other replicas' listeners lose their connection too and tell their
/// streams to resync. A `Service`: at graceful shutdown it sends what is queued, then stops.
public final class PostgresLiveRelay: LiveRelay, Service, Sendable {
    /// The LISTEN/NOTIFY channel.
    public static let channel = "hop_live"
    /// The largest payload sent (NOTIFY refuses 8000 bytes and more).
    static let maxPayloadBytes = 7900

    /// This replica's id in every payload, so its own listener skips its news.
    public let replicaID: String
    public let store: PostgresStore
    private let queued: AsyncStream<LiveNews>
    private let queue: AsyncStream<LiveNews>.Continuation

    public init(store: PostgresStore, replicaID: String) {
        self.store = store
        self.replicaID = replicaID
        (queued, queue) = AsyncStream.makeStream(of: LiveNews.self, bufferingPolicy: .bufferingNewest(4096))
    }

    public func publish(_ news: LiveNews) {
        guard !news.isEmpty else { return }
        var mine = news
        mine.origin = replicaID
        queue.yield(mine)
    }

    public func run() async {
        let queue = self.queue
        await withGracefulShutdownHandler {
            for await news in queued { await send(news) }
        } onGracefulShutdown: {
            queue.finish()
        }
    }

    func send(_ news: LiveNews) async {
        let (payloads, dropped) = news.payloads(maxBytes: Self.maxPayloadBytes)
        if dropped > 0 {
            store.logger.warning("live news item too large for NOTIFY; other replicas miss it", metadata: ["items": "\(dropped)"])
        }
        guard store.unavailable == nil else { return }
        let (client, logger) = (store.client, store.logger)
        do {
            for payload in payloads {
                _ = try await withDeadline(.seconds(5), what: "NOTIFY") {
                    try await client.query("SELECT pg_notify(\(Self.channel), \(payload))", logger: logger)
                }
            }
        } catch {
            store.logger.warning("live news not sent to other replicas", metadata: ["error": "\(PostgresStoreError.describe(error))"])
        }
    }
}
