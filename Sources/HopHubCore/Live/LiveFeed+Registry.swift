import Foundation
import HopProtocol
import Logging

/// Keeping the stream registry (several replicas) in step with this feed's streams: a stream is
/// recorded when it opens (`subscribe`), forgotten within a second of ending, and refreshed every
/// heartbeat, so a replica that dies stops counting against its callers after `registryStaleMs`.
/// When the registry cannot be reached the feed keeps working and counts its own streams only.
extension LiveFeed {
    /// How long a stream counts without being refreshed (four heartbeats, at least a minute).
    var registryStaleMs: Int64 { Int64(max(60, settings.heartbeatSeconds * 4)) * 1000 }

    /// Records stream `id` of `caller` in `registry`: within the per-caller limit, or in the place of
    /// `replacing` (whose row is removed first) regardless of it. False when the caller is at the
    /// limit over all replicas.
    func registered(_ id: UUID, caller: String, replacing: UUID?, in registry: any LiveStreamRegistry) async -> Bool {
        let now = SourceTime.now().epochMilliseconds
        do {
            if let replacing { try await registry.closeStreams([replacing]) }
            return try await registry.openStream(
                id, caller: caller, limit: replacing == nil ? settings.maxStreamsPerCaller : .max, now: now,
                staleAfterMs: registryStaleMs)
        } catch {
            logger.error(
                "live stream registry unavailable; this stream is counted on this replica only", metadata: ["error": "\(error)"])
            return true
        }
    }

    /// Tells the registry which streams ended here; with `refresh`, also that the open ones live.
    func syncRegistry(now: Int64, refresh: Bool) async {
        guard let registry else { return }
        let ended = unregistered
        unregistered.removeAll()
        let open = Array(subscribers.keys)
        do {
            if !ended.isEmpty { try await registry.closeStreams(ended) }
            if refresh { try await registry.refreshStreams(open, now: now, staleAfterMs: registryStaleMs) }
        } catch {
            unregistered.append(contentsOf: ended)
            logger.warning("live stream registry not updated; will retry", metadata: ["error": "\(error)"])
        }
    }
}
