import HopProtocol

/// What a stream's loop receives next.
public enum LiveFrame: Sendable {
    case message(LiveMessage)
    /// Nothing happened for a while: send a comment so proxies and clients know the stream lives.
    case heartbeat
    /// The hub ended the stream, for this reason: the stream's last event.
    case closed(LiveEndReason)
}

/// Why a stream could not be opened.
public enum LiveFeedError: Error, Equatable {
    /// `live.max_streams` streams are already open.
    case tooManyStreams(Int)
    /// This caller (one user or one API key) already has `live.max_streams_per_caller` streams open.
    case tooManyStreamsForCaller(Int)
    /// The hub is shutting down.
    case closed
}

/// One open stream inside `LiveFeed`: its caller's scope, a bounded queue and the waiting reader.
struct LiveSubscriber {
    let scope: SubstationScope
    /// The portal user's email (nil for API keys), for `LiveFeed.endStreams(forUser:)`.
    let user: String?
    /// The API key's name (nil for users), for `LiveFeed.endStreams(forKey:)`.
    var key: String?
    /// The public id part of the API key the stream was opened with: a rotated key gets a new id,
    /// so the old secret's streams end at the next heartbeat.
    var keyID: String?
    /// SHA-256 (hex) of the portal session the stream was opened with: the stream ends when that
    /// session is logged out, deleted, or idle- or absolutely expired.
    var sessionHash: String?
    /// When the stream must end (ms since the epoch): a portal session's absolute expiry.
    let endsAt: Int64?
    /// The `updated_at` of the user row the stream's rights were read from: a change made after
    /// it (by the CLI, noticed later) ends the stream; one it already reflects does not.
    var rightsVersion: Int64?
    var queue: [LiveFrame] = []
    var waiter: CheckedContinuation<LiveFrame?, Never>?
    /// When the reader last asked for frames (or the stream opened): a stream whose reader has not
    /// asked for a long time is stalled or was never started, and is ended.
    var lastRead = ContinuousClock.now
    /// When it was opened: a reload in the same browser session replaces that session's oldest stream.
    let openedAt = ContinuousClock.now

    /// Who opened it, for `live.max_streams_per_caller`: `user:<email>` or `key:<name>`.
    var caller: String {
        if let user { return "user:\(user.lowercased())" }
        return "key:\(key ?? "")"
    }

    init(scope: SubstationScope, user: String?, endsAt: Int64? = nil) {
        self.scope = scope
        self.user = user
        self.endsAt = endsAt
    }

    /// Hands `frame` to the waiting reader or queues it. Returns how many messages were dropped:
    /// 0 normally; the queue's length when it was full (it is then replaced by `resync`).
    mutating func offer(_ frame: LiveFrame, capacity: Int, resync: LiveMessage) -> Int {
        if let waiter {
            self.waiter = nil
            waiter.resume(returning: frame)
            return 0
        }
        if queue.count < capacity {
            queue.append(frame)
            return 0
        }
        let dropped = queue.count + 1
        queue = [.message(resync)]
        return dropped
    }

    /// Ends the stream: what was queued is dropped and a waiting reader gets `last` now (nil: the
    /// stream's own client went away). Returns false when no reader was waiting for it.
    @discardableResult
    mutating func end(last: LiveFrame? = nil) -> Bool {
        queue.removeAll()
        guard let waiter else { return false }
        self.waiter = nil
        waiter.resume(returning: last)
        return true
    }
}
