import Foundation
import Logging

/// Ending streams. When the hub ends one, its reader gets `.closed(reason)` as its last frame (sent
/// as `event: closed`), then nil, so the client learns why instead of seeing the body just end; a
/// stream released by its own reader (`cancel`: the client went away) gets nothing more.
extension LiveFeed {
    /// Releases stream `id` for its own reader (its client went away): nothing more is sent to it.
    public func cancel(_ id: UUID) {
        subscribers[id]?.end()
        endings[id] = nil
        remove(id)
    }

    /// Ends every stream (each told `shutdown`) and refuses new ones (hub shutdown).
    public func close() {
        closed = true
        inputContinuation.finish()
        for id in subscribers.keys { end(id, reason: .shutdown) }
    }

    /// Ends stream `id`, telling its reader `reason`. A reader that is not waiting (it is writing)
    /// takes the reason with its next `next`.
    public func end(_ id: UUID, reason: LiveEndReason) {
        guard subscribers[id] != nil else { return }
        if subscribers[id]?.end(last: .closed(reason)) == false {
            endings[id] = (reason, .now)
        }
        remove(id)
        logger.debug("live stream ended by the hub", metadata: ["reason": "\(reason.rawValue)"])
    }

    /// The ending of a stream the hub ended, once (nil when there is none or it was taken).
    func takeEnding(_ id: UUID) -> [LiveFrame]? {
        endings.removeValue(forKey: id).map { [.closed($0.reason)] }
    }

    /// Forgets endings no reader took within `after` (their response never went on). Returns how many.
    @discardableResult
    func forgetUntakenEndings(after: Duration, now: ContinuousClock.Instant = .now) -> Int {
        let before = endings.count
        endings = endings.filter { now - $0.value.at <= after }
        return before - endings.count
    }
}
