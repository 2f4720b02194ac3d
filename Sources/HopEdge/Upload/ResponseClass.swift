/// How the uploader treats a hub status code: 2xx acknowledged; 408, 429 and everything ≥ 500
/// (and stray 1xx/3xx) retried with backoff; any other 4xx is permanent and the batch is
/// quarantined so it cannot block the ones behind it.
public enum ResponseClass: Sendable, Hashable {
    case accepted
    case retryable
    case permanent

    public init(status: Int) {
        switch status {
        case 200..<300: self = .accepted
        case 408, 429: self = .retryable
        case 400..<500: self = .permanent
        default: self = .retryable
        }
    }
}

extension HubResponse {
    /// `Retry-After` in seconds (the delta-seconds form; an HTTP date is treated as absent).
    public var retryAfter: Duration? {
        guard let text = headers["retry-after"], let seconds = Double(text), seconds >= 0, seconds.isFinite else { return nil }
        return .milliseconds(Int64(min(seconds, 3600) * 1000))
    }

    /// Why a retryable answer failed: the hub's `Retry-After` when given; 502, 503 or 504 without
    /// one is a proxy (or load balancer) saying the hub behind it is away.
    public var retryReason: RetryReason {
        if let after = retryAfter { return .retryAfter(after) }
        return (502...504).contains(status) ? .unreachable : .failed
    }

    /// The hub's error message (`{"error":{"message":…}}`), or the start of the body.
    public var errorSummary: String {
        let text = String(decoding: body.prefix(2000), as: UTF8.self)
        return "HTTP \(status): \(text.prefix(500))"
    }
}
