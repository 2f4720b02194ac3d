import Foundation

/// Open live streams of every hub process sharing the store, so `live.max_streams_per_caller` counts
/// a caller's streams on all replicas. Each process records its streams when they open, forgets them
/// when they end, and refreshes them every heartbeat; rows a process stopped refreshing (it was
/// killed) stop counting after `staleAfterMs`. Without a registry (SQLite: one process) the feed
/// counts its own streams only.
public protocol LiveStreamRegistry: Sendable {
    /// In one transaction: records stream `id` of `caller` unless `caller` already has `limit`
    /// streams refreshed since `now - staleAfterMs`, counted over every process. True when recorded.
    func openStream(_ id: UUID, caller: String, limit: Int, now: Int64, staleAfterMs: Int64) async throws -> Bool
    /// Forgets these streams (ended here).
    func closeStreams(_ ids: [UUID]) async throws
    /// Marks these streams (all open here) as alive at `now`, and forgets every stream not refreshed
    /// since `now - staleAfterMs` (a dead process's).
    func refreshStreams(_ ids: [UUID], now: Int64, staleAfterMs: Int64) async throws
}
