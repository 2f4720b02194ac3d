import HopProtocol
import Logging

/// Ending streams whose caller lost its rights: a portal user deactivated, changed or logged out
/// (called by the account service), an API key revoked or rotated and a session ended or idle-expired
/// (both checked with every heartbeat), a session past its absolute expiry (checked every second);
/// and streams whose client stopped reading. A stream keeps the rights it was opened with, so ending it makes the client
/// reconnect with its current rights, or fail with 401. Every ended stream is told why (`LiveEndReason`).
extension LiveFeed {
    /// Ends the open streams of the portal user `email` at once (deactivation, rights or session
    /// change), each told `access_changed`. With `changedAt` (the changed row's `updated_at`, for a
    /// change noticed after the fact), only streams authorised before that change end: a stream
    /// opened with the changed row already has the new rights. Returns how many were ended.
    @discardableResult
    public func endStreams(forUser email: String, changedAt: Int64? = nil) -> Int {
        let user = email.lowercased()
        return endStreams(
            where: { subscriber in
                guard subscriber.user?.lowercased() == user else { return false }
                guard let changedAt, let version = subscriber.rightsVersion else { return true }
                return version < changedAt
            }, reason: .accessChanged
        ) {
            logger.info("live streams ended for user", metadata: ["user": "\(email)", "streams": "\($0)"])
        }
    }

    /// Ends every open stream of the API key `name` at once (revocation, rotation). Returns how many.
    @discardableResult
    public func endStreams(forKey name: String) -> Int {
        endStreams(where: { $0.key == name }, reason: .keyRevoked) {
            logger.info("live streams ended for API key", metadata: ["api_key": "\(name)", "streams": "\($0)"])
        }
    }

    /// Ends the streams opened with a key id that is no longer active: the key was revoked, or
    /// rotated (a rotation issues a new id, so the old secret's streams stop). Checked every heartbeat.
    @discardableResult
    func endStreamsOfRevokedKeys() async -> Int {
        let opened = Set(subscribers.values.compactMap(\.keyID))
        guard !opened.isEmpty else { return 0 }
        do {
            let gone = opened.subtracting(try await lookups.activeKeyIDs())
            return endStreams(where: { $0.keyID.map(gone.contains) ?? false }, reason: .keyRevoked) {
                logger.info("live streams ended: API key revoked or rotated", metadata: ["streams": "\($0)"])
            }
        } catch {
            logger.error("live feed could not list API keys", metadata: ["error": "\(error)"])
            return 0
        }
    }

    /// Ends the streams whose portal session is over: logged out, deleted by an admin, idle for
    /// `sessions.idle_timeout_s` (reading a stream does not count as use) or its user deactivated.
    /// Checked every heartbeat; `now` is ms since the epoch.
    @discardableResult
    func endStreamsOfEndedSessions(now: Int64) async -> Int {
        let opened = Set(subscribers.values.compactMap(\.sessionHash))
        guard !opened.isEmpty else { return 0 }
        do {
            let live = try await lookups.liveSessionHashes(
                among: opened, now: now, idleBefore: now - Int64(sessionIdleTimeoutSeconds) * 1000)
            let gone = opened.subtracting(live)
            return endStreams(where: { $0.sessionHash.map(gone.contains) ?? false }, reason: .sessionEnded) {
                logger.info("live streams ended: their session is over", metadata: ["streams": "\($0)"])
            }
        } catch {
            logger.error("live feed could not check sessions", metadata: ["error": "\(error)"])
            return 0
        }
    }

    /// Ends streams whose reader has not asked for frames within `after` (a client stalled that
    /// long, or a response that never started). A reader waiting for frames is never abandoned.
    /// Endings of earlier streams no reader took within `after` are forgotten here too.
    @discardableResult
    func endAbandonedStreams(after: Duration, now: ContinuousClock.Instant = .now) -> Int {
        forgetUntakenEndings(after: after, now: now)
        return endStreams(where: { $0.waiter == nil && now - $0.lastRead > after }, reason: .stalled) {
            logger.warning("live streams ended: their clients stopped reading", metadata: ["streams": "\($0)"])
        }
    }

    /// Ends the streams whose `endsAt` has passed. Returns how many.
    @discardableResult
    func endExpiredStreams(now: Int64) -> Int {
        endStreams(where: { $0.endsAt.map { $0 <= now } ?? false }, reason: .sessionExpired)
    }

    /// Ends every stream `matches` selects, telling each `reason`; `log` is told how many when there
    /// were any. Returns how many.
    private func endStreams(
        where matches: (LiveSubscriber) -> Bool, reason: LiveEndReason, log: (_ count: Int) -> Void = { _ in }
    ) -> Int {
        let ids = subscribers.filter { matches($0.value) }.map(\.key)
        for id in ids { end(id, reason: reason) }
        if !ids.isEmpty { log(ids.count) }
        return ids.count
    }
}
