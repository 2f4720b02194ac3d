/// Why the hub ended a stream. The stream's last event is `event: closed` with
/// `{"reason": "<rawValue>", "message": "..."}` (docs/live.md), so a client knows whether to
/// reconnect, sign in again or stay closed. A stream its own client closed gets nothing.
public enum LiveEndReason: String, Sendable, CaseIterable {
    /// A newer page of the same browser session took this stream's place at the per-user limit.
    case replaced
    /// The user's rights changed (role, grants, deactivation, password reset) or an admin or a
    /// logout ended their sessions: reconnect to get the current rights (or a 401).
    case accessChanged = "access_changed"
    /// The stream's session is over: logged out, deleted, idle-expired or its user inactive.
    case sessionEnded = "session_ended"
    /// The stream's session reached its absolute expiry.
    case sessionExpired = "session_expired"
    /// The API key the stream was opened with was revoked or rotated.
    case keyRevoked = "key_revoked"
    /// The client took nothing for too long while data waited.
    case stalled
    /// The hub is shutting down.
    case shutdown

    /// What the `closed` event's `message` says.
    public var message: String {
        switch self {
        case .replaced: "a newer page of this browser session opened a stream in this one's place (live.max_streams_per_caller)"
        case .accessChanged: "the user's access changed or their sessions were ended; reconnect to continue with the current rights"
        case .sessionEnded: "the session is over (signed out, ended by an admin, idle too long or the user deactivated)"
        case .sessionExpired: "the session reached its absolute expiry; sign in again"
        case .keyRevoked: "the API key was revoked or rotated"
        case .stalled: "the client took nothing for too long while data waited"
        case .shutdown: "the hub is shutting down; reconnect later"
        }
    }

    /// The `closed` event's JSON.
    package var json: String { LiveJSON.encode(["reason": rawValue, "message": message]) }
}
