/// Where and how alert mail is sent. No `url`: alerts are decided and logged, nothing is mailed.
public struct SMTPSettings: Sendable, Hashable {
    /// `smtp://host:port` (plain, or STARTTLS with `starttls`) or `smtps://host:port` (TLS from the start).
    public var url: String?
    /// Require STARTTLS on an `smtp://` relay (the mail is not sent if the relay does not offer it).
    public var startTLS = false
    public var username: String?
    /// Never logged.
    public var password: String?
    /// Envelope and header sender.
    public var from = "hop@localhost"
    /// CA bundle to verify the relay's certificate (default: the system's).
    public var caFile: String?
    /// Connect + transfer timeout of one delivery attempt, seconds.
    public var timeoutSeconds = 20
    /// First retry delay after a failed attempt, seconds; doubled each attempt up to `retryMaxSeconds`.
    public var retryInitialSeconds = 2
    public var retryMaxSeconds = 300

    public init() {}

    /// Backoff before attempt `attempts + 1`, milliseconds.
    public func backoffMs(afterAttempts attempts: Int) -> Int64 {
        let exponent = min(max(attempts - 1, 0), 20)
        let seconds = min(retryInitialSeconds << exponent, retryMaxSeconds)
        return Int64(seconds) * 1000
    }
}
