import Foundation
import HopProtocol
import Logging

/// Logging in and out, and checking a session cookie.
extension AccountService {
    /// A successful login: the new session id (for the cookie, never stored) and the session.
    public struct LoginSuccess: Sendable {
        public var sessionID: String
        public var session: AuthenticatedSession
    }

    /// Checks the password and opens a new session. Every attempt is audited (`login`, with the
    /// address and, on failure, the reason); failures count towards the account's and the
    /// address's lockout. Unknown email and wrong password give the same 401.
    public func login(email rawEmail: String, password: String, from address: String?) async throws -> LoginSuccess {
        // Bounded: an attacker's 16 KiB "email" must not become a 16 KiB audit row.
        let email = String(rawEmail.trimmingCharacters(in: .whitespaces).lowercased().prefix(254))
        let actor = AuditActor(name: email.isEmpty ? "(empty)" : email, sourceAddress: address)
        let now = clock.now()
        if let address, let throttle = try await store.addressThrottle(address), let until = throttle.lockedUntil, until > now {
            try await audit(actor, .login, email, .denied, "source address locked", at: now)
            throw Self.locked("too many failed logins from your address (\(address))", until: until, now: now)
        }
        guard let user = try await store.user(email: email) else {
            _ = try await hasher.verify(password, hash: dummyHash)  // same work as a real check
            try await countAddressFailure(address, actor: actor, now: now)
            try await audit(actor, .login, email, .failure, "unknown email", at: now)
            throw Self.wrongCredentials
        }
        if user.isLocked(at: now) {
            try await audit(actor, .login, user.email, .denied, "account locked", at: now)
            throw Self.locked("this account is locked after too many failed logins", until: user.lockedUntil!, now: now)
        }
        guard try await hasher.verify(password, hash: user.passwordHash) else {
            try await audit(actor, .login, user.email, .failure, "wrong password", at: now)
            let lockedUntil = try await countAccountFailure(user, actor: actor, now: now)
            try await countAddressFailure(address, actor: actor, now: now)
            if let lockedUntil {
                throw Self.locked("this account is now locked after too many failed logins", until: lockedUntil, now: now)
            }
            throw Self.wrongCredentials
        }
        guard user.active else {
            try await audit(actor, .login, user.email, .denied, "account deactivated", at: now)
            throw HubError(.unauthenticated, "account is deactivated; ask an administrator")
        }
        if user.failedLogins > 0 || user.lockedUntil != nil { try await store.clearLoginFailures(userID: user.id) }
        try await store.purgeSessions(now: now, idleBefore: now - Int64(settings.idleTimeoutSeconds) * 1000)
        let id = SessionToken.random()
        let session = SessionRecord(
            idHash: SessionToken.digest(id), userID: user.id, csrfToken: SessionToken.random(), createdAt: now,
            lastSeen: now, expiresAt: now + Int64(settings.absoluteTimeoutSeconds) * 1000)
        try await store.insertSession(session)
        try await audit(actor, .login, user.email, .success, "role=\(user.role.rawValue)", at: now)
        logger.info("login", metadata: ["user": "\(user.email)", "address": "\(address ?? "-")"])
        return LoginSuccess(sessionID: id, session: authenticated(session, user))
    }

    /// Ends the session (audited `logout`). Unknown ids are ignored.
    public func logout(sessionID: String, from address: String?) async throws {
        let hash = SessionToken.digest(sessionID)
        guard let (_, user) = try await store.session(idHash: hash) else { return }
        try await store.deleteSession(idHash: hash)
        try await audit(AuditActor(name: user.email, sourceAddress: address), .logout, user.email, .success, "", at: clock.now())
    }

    /// The session behind a cookie value, or nil when unknown, expired (idle or absolute — then it
    /// is deleted and audited `session.expired`) or its user is inactive. Refreshes `last_seen`
    /// at most once a minute.
    public func authenticate(sessionID: String) async throws -> AuthenticatedSession? {
        let hash = SessionToken.digest(sessionID)
        guard let (session, user) = try await store.session(idHash: hash) else { return nil }
        let now = clock.now()
        let idleEnd = session.lastSeen + Int64(settings.idleTimeoutSeconds) * 1000
        guard now < session.expiresAt, now < idleEnd, user.active else {
            try await store.deleteSession(idHash: hash)
            let why = !user.active ? "user deactivated" : now >= session.expiresAt ? "absolute timeout" : "idle timeout"
            try await audit(AuditActor(name: user.email), .sessionExpired, user.email, .success, why, at: now)
            return nil
        }
        var current = session
        if now - session.lastSeen >= AccountSettings.touchIntervalMs {
            try await store.touchSession(idHash: hash, at: now)
            current.lastSeen = now
        }
        return authenticated(current, user)
    }

    func authenticated(_ session: SessionRecord, _ user: UserRecord) -> AuthenticatedSession {
        AuthenticatedSession(
            session: session, user: user,
            idleExpiresAt: min(session.expiresAt, session.lastSeen + Int64(settings.idleTimeoutSeconds) * 1000))
    }

    /// Counts a failure against the account (atomically in the store); the lock end when it locked it.
    private func countAccountFailure(_ user: UserRecord, actor: AuditActor, now: Int64) async throws -> Int64? {
        let lockedUntil = try await store.recordLoginFailure(
            userID: user.id, now: now, windowMs: Int64(settings.failureWindowSeconds) * 1000,
            maxFailures: settings.maxFailures, lockMs: Int64(settings.lockoutSeconds) * 1000)
        if lockedUntil != nil {
            try await audit(
                actor, .lockout, user.email, .success,
                "account locked for \(settings.lockoutSeconds) s after \(settings.maxFailures) failed logins", at: now)
            logger.warning("account locked", metadata: ["user": "\(user.email)", "address": "\(actor.sourceAddress ?? "-")"])
        }
        return lockedUntil
    }

    private func countAddressFailure(_ address: String?, actor: AuditActor, now: Int64) async throws {
        guard let address else { return }
        let lockedUntil = try await store.recordAddressFailure(
            address, now: now, windowMs: Int64(settings.failureWindowSeconds) * 1000,
            maxFailures: settings.maxFailuresPerAddress, lockMs: Int64(settings.lockoutSeconds) * 1000)
        if lockedUntil != nil {
            try await audit(
                actor, .lockout, address, .success,
                "source address locked for \(settings.lockoutSeconds) s after \(settings.maxFailuresPerAddress) failed logins",
                at: now)
            logger.warning("source address locked", metadata: ["address": "\(address)"])
        }
    }

    static let wrongCredentials = HubError(.unauthenticated, "wrong email or password")

    static func locked(_ what: String, until: Int64, now: Int64) -> HubError {
        let seconds = Int((until - now + 999) / 1000)
        let minutes = (seconds + 59) / 60
        return HubError(
            .rateLimited,
            "\(what); try again in \(minutes) minute\(minutes == 1 ? "" : "s") or ask an administrator to unlock it",
            retryAfterSeconds: max(1, seconds))
    }
}
