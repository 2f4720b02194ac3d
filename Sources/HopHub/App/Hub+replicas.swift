import Foundation
import HopHubCore
import HopHubPostgres
import Logging
import ServiceLifecycle

/// What several hub replicas on one PostgreSQL database need: the primary watch (failover), and
/// the live relay carrying each replica's committed news to the other replicas' feeds
/// (LISTEN/NOTIFY). With SQLite there is one process and none of it exists.
struct ReplicaParts: Sendable {
    let watch: PostgresPrimaryWatch
    let relay: PostgresLiveRelay
    let listener: PostgresLiveListener

    /// The relay the live feed publishes through, when `store` is a PostgreSQL store.
    static func relay(for store: any HubBackend) -> PostgresLiveRelay? {
        (store as? PostgresStore).map { PostgresLiveRelay(store: $0, replicaID: UUID().uuidString) }
    }

    /// The watch and the listener around `relay`; the listener feeds `live`.
    init(relay: PostgresLiveRelay, live: LiveFeed) {
        let listener = PostgresLiveListener(
            store: relay.store, replicaID: relay.replicaID, receive: { live.receive($0) },
            interrupted: { live.relayInterrupted(reason: $0) })
        self.relay = relay
        self.listener = listener
        watch = PostgresPrimaryWatch(store: relay.store) { _ in listener.reconnect() }
    }

    /// In start order: the watch first (it stops last, after the writer's final commits), the
    /// relay (stops after the feed and the writer have published their last news), the listener.
    var services: [any Service] { [watch, relay, listener] }
}
