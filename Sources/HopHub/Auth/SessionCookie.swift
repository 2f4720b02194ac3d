import HopHubCore
import HopHubSQLite
import Foundation
import Hummingbird

/// The portal's session cookie: `hop_session`, HttpOnly, SameSite=Strict, Path=/, Secure when the
/// browser reached us over HTTPS (a trusted proxy's `X-Forwarded-Proto: https`).
public enum SessionCookie {
    public static let name = "hop_session"

    /// The cookie carrying a new session id; it lives no longer than the session's absolute end.
    public static func set(_ id: String, maxAgeSeconds: Int, secure: Bool) -> Cookie {
        Cookie(
            name: name, value: id, maxAge: maxAgeSeconds, path: "/", secure: secure, httpOnly: true, sameSite: .strict)
    }

    /// A cookie that makes the browser forget the session.
    public static func cleared(secure: Bool) -> Cookie {
        Cookie(
            name: name, value: "", expires: Date(timeIntervalSince1970: 0), maxAge: 0, path: "/", secure: secure,
            httpOnly: true, sameSite: .strict)
    }
}
