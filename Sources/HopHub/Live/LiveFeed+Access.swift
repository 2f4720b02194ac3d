import HopProtocol
import Logging

/// Ending streams whose caller lost its rights: a portal user deactivated or changed (called by the
/// account service), an API key revoked (checked with every heartbeat), a session past its
/// absolute expiry; and streams whose client stopped reading. A stream keeps the rights it was opened with, so ending it makes the client
/// reconnect with its current rights, or fail with 401.
extension LiveFeed {
    /// Ends every open stream of the portal user `email` at once (deactivation, session end).
    /// Returns how many were ended.
    @discardableResult
    public func endStreams(forUser email: String) -> Int {
        let ids = subscribers.filter { $0.value.user?.lowercased() == email.lowercased() }.map(\.key)
        for id in ids { cancel(id) }
        if !ids.isEmpty { logger.info("live streams ended for user", metadata: ["user": "\(email)", "streams": "\(ids.count)"]) }
        return ids.count
    }

    /// Ends every open stream of the API key `name` at once (revocation, rotation). Returns how many.
    @discardableResult
    public func endStreams(forKey name: String) -> Int {
        let ids = subscribers.filter { $0.value.key == name }.map(\.key)
        for id in ids { cancel(id) }
        if !ids.isEmpty { logger.info("live streams ended for API key", metadata: ["api_key": "\(name)", "streams": "\(ids.count)"]) }
        return ids.count
    }

    /// Ends the streams of keys revoked since they were opened (checked with every heartbeat).
    func endStreamsOfRevokedKeys() async {
        guard subscribers.values.contains(where: { $0.key != nil }) else { return }
        do {
            let active = try await lookups.activeKeyNames()
            let revoked = Set(subscribers.values.compactMap(\.key)).subtracting(active)
            for name in revoked { endStreams(forKey: name) }
        } catch {
            logger.error("live feed could not list API keys", metadata: ["error": "\(error)"])
        }
    }

    /// Ends streams whose reader has not asked for frames within `after` (a client stalled that
    /// long, or a response that never started). A reader waiting for frames is never abandoned.
    @discardableResult
    func endAbandonedStreams(after: Duration, now: ContinuousClock.Instant = .now) -> Int {
        let ids = subscribers.filter { $0.value.waiter == nil && now - $0.value.lastRead > after }.map(\.key)
        for id in ids { cancel(id) }
        if !ids.isEmpty { logger.warning("live streams ended: their clients stopped reading", metadata: ["streams": "\(ids.count)"]) }
        return ids.count
    }

    /// Ends the streams whose `endsAt` has passed. Returns how many.
    @discardableResult
    func endExpiredStreams(now: Int64) -> Int {
        let ids = subscribers.filter { $0.value.endsAt.map { $0 <= now } ?? false }.map(\.key)
        for id in ids { cancel(id) }
        return ids.count
    }
}
