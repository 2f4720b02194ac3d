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
    /// address and, on failure, the reason), except that while a key is locked only its first
    /// `denied` attempt is written (the rest are counted and reported with the key's next row).
    ///
    /// The attempt is counted against the email (known or not: unknown emails lock exactly like
    /// real ones) and the address (IPv6 per /64) BEFORE bcrypt, in one transaction that also
    /// checks the locks — so parallel requests get at most `maxFailures` password checks. A correct
    /// password gives its attempt back, after re-reading the locks (a lock another attempt of the
    /// same batch set still refuses it). Unknown email and wrong password give the same 401; a
    /// locked email gives the same 429 whether the account exists or not. "Deactivated" is only
    /// said after the correct password.
    public func login(email rawEmail: String, password: String, from address: String?) async throws -> LoginSuccess {
        // Bounded: an attacker's 16 KiB "email" must not become a 16 KiB audit row.
        let email = String(rawEmail.trimmingCharacters(in: .whitespaces).lowercased().prefix(254))
        let now = clock.now()
        let user = try await store.user(email: email)
        // Text without "@" that is no account is likely a password typed into the email field: it
        // is neither stored in the audit log nor used as a throttle key.
        let named = user != nil || email.contains("@") ? (email.isEmpty ? "(empty)" : email) : Self.invalidEmail
        let actor = AuditActor(name: named, sourceAddress: address)
        let keys = LoginThrottleKeys(
            account: LoginThrottleKeys.account(named), address: address.map(LoginThrottleKeys.address))
        let gate = try await store.reserveLoginAttempt(keys, now: now, limits: LoginLimits(settings)) { lock, earlier in
            actor.entry(
                .login, target: lock == .account ? named : address.map(AddressBucket.bucket), outcome: .denied,
                detail: (lock == .account ? "account locked" : "source address locked")
                    + Self.suppressedNote(earlier, "during an earlier lock"),
                at: now)
        }
        let reservation: LoginReservation
        switch gate {
        case .locked(let lock, let until, _):
            throw Self.locked(lock, address: address, until: until, now: now, justLocked: false)
        case .proceed(let reserved):
            reservation = reserved
        }
        let note = Self.suppressedNote(reservation.suppressedEarlier, "during the last lock")
        guard let user, try await hasher.verify(password, hash: user.passwordHash) else {
            if user == nil { _ = try await hasher.verify(password, hash: dummyHash) }  // same work as a real check
            try await audit(actor, .login, named, .failure, (user == nil ? "unknown email" : "wrong password") + note, at: now)
            try await auditLocks(reservation, actor: actor, target: named, now: now)
            if let lockedUntil = reservation.accountLock {
                throw Self.locked(.account, address: address, until: lockedUntil, now: now, justLocked: true)
            }
            throw Self.wrongCredentials
        }
        if let (lock, until) = try await store.releaseLoginAttempt(reservation, now: clock.now()) {
            try await audit(actor, .login, user.email, .denied, "\(lock.rawValue) locked by a parallel attempt" + note, at: now)
            throw Self.locked(lock, address: address, until: until, now: now, justLocked: false)
        }
        guard user.active else {
            try await audit(actor, .login, user.email, .denied, "account deactivated" + note, at: now)
            throw HubError(.unauthenticated, "account is deactivated; ask an administrator")
        }
        try await store.purgeSessions(now: now, idleBefore: now - Int64(settings.idleTimeoutSeconds) * 1000)
        let id = SessionToken.random()
        let session = SessionRecord(
            idHash: SessionToken.digest(id), userID: user.id, csrfToken: SessionToken.random(), createdAt: now,
            lastSeen: now, expiresAt: now + Int64(settings.absoluteTimeoutSeconds) * 1000)
        try await store.insertSession(session)
        try await audit(actor, .login, user.email, .success, "role=\(user.role.rawValue)" + note, at: now)
        logger.info("login", metadata: ["user": "\(user.email)", "address": "\(address ?? "-")"])
        return LoginSuccess(sessionID: id, session: authenticated(session, user))
    }

    /// Ends the session (audited `logout`). Unknown ids are ignored.
    public func logout(sessionID: String, from address: String?) async throws {
        guard let (session, user) = try await store.session(idHash: SessionToken.digest(sessionID)) else { return }
        try await logout(authenticated(session, user), from: address)
    }

    /// Ends a session the caller has already authenticated (audited `logout`).
    public func logout(_ session: AuthenticatedSession, from address: String?) async throws {
        let email = session.user.email
        try await store.deleteSession(idHash: session.session.idHash)
        await onAccessChanged(email)  // live streams end now (other sessions' streams reconnect)
        try await audit(AuditActor(name: email, sourceAddress: address), .logout, email, .success, "", at: clock.now())
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

    /// The `lockout` rows of the locks a failed attempt made real.
    private func auditLocks(_ reservation: LoginReservation, actor: AuditActor, target: String, now: Int64) async throws {
        if reservation.accountLock != nil {
            try await audit(
                actor, .lockout, target, .success,
                "account locked for \(settings.lockoutSeconds) s after \(settings.maxFailures) failed logins", at: now)
            logger.warning("account locked", metadata: ["user": "\(target)", "address": "\(actor.sourceAddress ?? "-")"])
        }
        if reservation.addressLock != nil, let address = reservation.keys.address {
            let bucket = String(address.dropFirst("address:".count))
            try await audit(
                actor, .lockout, bucket, .success,
                "source address locked for \(settings.lockoutSeconds) s after \(settings.maxFailuresPerAddress) failed logins",
                at: now)
            logger.warning("source address locked", metadata: ["address": "\(bucket)"])
        }
    }

    /// `; N denied attempts <when> were not logged one by one`, or nothing.
    static func suppressedNote(_ count: Int, _ when: String) -> String {
        count == 0 ? "" : "; \(count) denied attempt\(count == 1 ? "" : "s") \(when) not logged one by one"
    }

    /// The audit actor and target of a failed login whose email is no account and has no "@".
    static let invalidEmail = "(invalid email)"

    static let wrongCredentials = HubError(.unauthenticated, "wrong email or password")

    /// The 429 of a lock: the same text for known and unknown emails.
    static func locked(_ lock: LoginLock, address: String?, until: Int64, now: Int64, justLocked: Bool) -> HubError {
        switch lock {
        case .account:
            locked("this account is \(justLocked ? "now " : "")locked after too many failed logins", until: until, now: now)
        case .address:
            locked("too many failed logins from your address (\(address ?? "-"))", until: until, now: now)
        }
    }

    static func locked(_ what: String, until: Int64, now: Int64) -> HubError {
        let seconds = Int((until - now + 999) / 1000)
        let minutes = (seconds + 59) / 60
        return HubError(
            .rateLimited,
            "\(what); try again in \(minutes) minute\(minutes == 1 ? "" : "s") or ask an administrator to unlock it",
            retryAfterSeconds: max(1, seconds))
    }
}
