import Foundation
import HopProtocol
import Logging
import Prometheus
import Synchronization

/// The hub's live feed (`hub.live`): committed data in, per-caller streams out.
///
/// Writers (ingest writer, scorer, alert engine) call the `nonisolated` `published...` methods after
/// their data is committed; those only enqueue, so a writer never waits for a client. The feed's
/// service loop turns the input into `LiveMessage`s (reading back event ids and merged outage
/// state) and fans them out to every stream whose `SubstationScope` allows them. Each stream has a
/// bounded queue; a stream that falls `live.buffer_messages` behind loses its queue and gets one
/// `resync` event instead.
public actor LiveFeed {
    /// Identifies this process's feed in SSE ids (`<epoch>-<sequence>`): an id from another hub
    /// process (or an earlier run) is recognised as unknown and answered with `resync`.
    public nonisolated let epoch: String
    let settings: LiveSettings
    let lookups: any LiveLookups
    /// Carries this feed's committed news to the other replicas (nil: one hub process).
    let relay: (any LiveRelay)?
    /// Counts streams per caller over every replica (nil: one hub process, `subscribers` suffice).
    let registry: (any LiveStreamRegistry)?
    /// Streams ended here that the registry has not been told about yet (told every second).
    var unregistered: [UUID] = []
    let metrics: HubMetrics?
    let logger: Logger

    let inputs: AsyncStream<LiveInput>
    let inputContinuation: AsyncStream<LiveInput>.Continuation
    /// Inputs refused because the feed's own queue was full (drained as a `resync` for everyone).
    let lostInputs = Atomic<Int>(0)

    var sequence: Int64 = 0
    var subscribers: [UUID: LiveSubscriber] = [:]
    /// Streams the hub ended whose reader was busy (writing) at that moment: the reason it takes
    /// with its next `next` (the stream's last event), or drops after `forgetUntakenEndings`.
    var endings: [UUID: (reason: LiveEndReason, at: ContinuousClock.Instant)] = [:]
    /// Recent messages, oldest first, for `Last-Event-ID` replay.
    var history: [LiveMessage] = []
    var closed = false
    var readings = ReadingCoalescer()
    var eventHighWater: Int64 = 0
    /// `hop_live_messages_total` by kind, each registered when its first message is published.
    var messageCounters: [LiveEventKind: Counter] = [:]
    let overflowJSON: String

    /// Portal sessions unused this long are over (`sessions.idle_timeout_s`): their streams end too.
    let sessionIdleTimeoutSeconds: Int

    /// A feed over `lookups`; `sessionIdleTimeoutSeconds` is the accounts' idle timeout, so a stream
    /// does not outlive an idle-expired session (reading a stream is not activity: it never extends one).
    /// With `relay`, everything published here is also told to the other replicas (`receive`); with
    /// `registry`, the per-caller stream limit counts the caller's streams on every replica.
    public init(
        settings: LiveSettings = LiveSettings(), lookups: any LiveLookups, relay: (any LiveRelay)? = nil,
        registry: (any LiveStreamRegistry)? = nil, metrics: HubMetrics? = nil,
        sessionIdleTimeoutSeconds: Int = AccountSettings().idleTimeoutSeconds, logger: Logger
    ) {
        self.settings = settings
        self.relay = relay
        self.registry = registry
        self.sessionIdleTimeoutSeconds = sessionIdleTimeoutSeconds
        self.lookups = lookups
        self.metrics = metrics
        self.logger = logger
        overflowJSON = LiveJSON.encode(["reason": "stream fell \(settings.bufferMessages) messages behind"])
        epoch = String(UInt64(Date().timeIntervalSince1970 * 1000), radix: 36)
        (inputs, inputContinuation) = AsyncStream.makeStream(of: LiveInput.self, bufferingPolicy: .bufferingOldest(8192))
        // Present on /metrics from the start, not only after the first stream.
        metrics?.liveStreams(0)
        metrics?.liveDropped(0)
    }

    /// The SSE `id:` of a message.
    public nonisolated func eventID(_ message: LiveMessage) -> String { "\(epoch)-\(message.sequence)" }

    /// Number of open streams.
    public var streamCount: Int { subscribers.count }

    /// Opens a stream for a caller limited to `scope`. With `lastEventID` (a reconnecting
    /// EventSource), messages after it still in the replay window are queued first; when the id is
    /// unknown or too old, a `resync` is queued instead. With `endsAt` (ms since the epoch; a
    /// portal session's absolute expiry) the stream ends then, so the client must authenticate again.
    /// `session` (the session id's SHA-256) ends the stream when that session ends (logout, idle
    /// timeout, deletion); `keyID` (the key's public id) ends it when the key is rotated or revoked;
    /// `rightsVersion` (the user row's `updated_at` the caller was authorised with) keeps it open
    /// through a reported change it already reflects (`endStreams(forUser:changedAt:)`).
    /// One caller (a user, or a key name) may hold at most `live.max_streams_per_caller` streams;
    /// at the limit, a page's first stream (`pageLoad`, never a reconnect) opened with a session that
    /// already has one replaces that session's oldest (a reloaded page: the browser has closed the old
    /// one, but the hub only notices at its next write; the replaced stream is told `replaced`);
    /// anything else is refused, so the streams of many open tabs do not take each other's place in turn.
    public func subscribe(
        scope: SubstationScope, user: String?, key: String? = nil, keyID: String? = nil, session: String? = nil,
        rightsVersion: Int64? = nil, lastEventID: String? = nil, endsAt: Int64? = nil, pageLoad: Bool = false
    ) async throws(LiveFeedError) -> UUID {
        guard !closed else { throw .closed }
        var subscriber = LiveSubscriber(scope: scope, user: user, endsAt: endsAt)
        subscriber.key = key
        subscriber.keyID = keyID
        subscriber.sessionHash = session
        subscriber.rightsVersion = rightsVersion
        let caller = subscriber.caller
        // At the limit, a page's first stream replaces the oldest stream of its own session here.
        let replaceable: () -> UUID? = {
            guard pageLoad, lastEventID == nil, let session else { return nil }
            return self.subscribers.filter { $0.value.caller == caller && $0.value.sessionHash == session }
                .min(by: { $0.value.openedAt < $1.value.openedAt })?.key
        }
        var replacing: UUID?
        if subscribers.values.count(where: { $0.caller == caller }) >= settings.maxStreamsPerCaller {
            guard let oldest = replaceable() else { throw .tooManyStreamsForCaller(settings.maxStreamsPerCaller) }
            replacing = oldest
        }
        guard replacing != nil || subscribers.count < settings.maxStreams else { throw .tooManyStreams(settings.maxStreams) }
        let id = UUID()
        if let registry {
            if !(await registered(id, caller: caller, replacing: replacing, in: registry)) {
                guard let oldest = replaceable() else { throw .tooManyStreamsForCaller(settings.maxStreamsPerCaller) }
                replacing = oldest
                _ = await registered(id, caller: caller, replacing: oldest, in: registry)
            }
            guard !closed else { throw .closed }
        }
        if let replacing { end(replacing, reason: .replaced) }
        if let lastEventID { subscriber.queue = replay(after: lastEventID, scope: scope) }
        subscribers[id] = subscriber
        metrics?.liveStreams(subscribers.count)
        return id
    }

    /// Everything queued for stream `id` (at least one frame), waiting if there is none; once the
    /// hub has ended the stream, `[.closed(reason)]` once, then nil. Taking the whole queue at once
    /// lets a reader that keeps up drain a burst.
    public func next(_ id: UUID) async -> [LiveFrame]? {
        guard var subscriber = subscribers[id] else { return takeEnding(id) }
        subscriber.lastRead = .now
        subscribers[id] = subscriber
        if !subscriber.queue.isEmpty {
            let frames = subscriber.queue
            subscriber.queue.removeAll(keepingCapacity: true)
            subscribers[id] = subscriber
            return frames
        }
        let frame = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<LiveFrame?, Never>) in
                guard subscribers[id] != nil, !Task.isCancelled else {
                    return continuation.resume(returning: takeEnding(id)?.first)
                }
                subscribers[id]?.waiter = continuation
            }
        } onCancel: {
            Task { await self.cancel(id) }
        }
        return frame.map { [$0] }
    }

    func remove(_ id: UUID) {
        guard subscribers.removeValue(forKey: id) != nil else { return }
        if registry != nil { unregistered.append(id) }
        metrics?.liveStreams(subscribers.count)
    }

    /// Assigns the next sequence number, records the message for replay and fans it out.
    func broadcast(_ kind: LiveEventKind, _ visibility: LiveVisibility, json: String) {
        sequence += 1
        let message = LiveMessage(sequence: sequence, kind: kind, visibility: visibility, json: json)
        history.append(message)
        if history.count > settings.historyMessages + 256 { history.removeFirst(history.count - settings.historyMessages) }
        if let metrics {
            let counter = messageCounters[kind] ?? metrics.liveMessages(kind)
            messageCounters[kind] = counter
            counter.increment()
        }
        var dropped = 0
        for index in subscribers.values.indices {
            let scope = subscribers.values[index].scope
            guard message.isVisible(to: scope) else { continue }
            dropped += subscribers.values[index].offer(.message(message), capacity: settings.bufferMessages, resync: overflowResync)
        }
        if dropped > 0 { metrics?.liveDropped(dropped) }
    }

    /// Sends `resync` to every stream (the feed itself lost input).
    func broadcastResync(reason: String) {
        logger.warning("live feed lost input; streams told to resync", metadata: ["reason": "\(reason)"])
        broadcast(.resync, .everyone, json: LiveJSON.encode(["reason": reason]))
    }

    /// A heartbeat for every idle stream (one whose reader is waiting).
    func heartbeat() {
        for index in subscribers.values.indices where subscribers.values[index].waiter != nil {
            _ = subscribers.values[index].offer(.heartbeat, capacity: settings.bufferMessages, resync: overflowResync)
        }
    }

    /// The `resync` a stream gets in place of the queue it let overflow.
    private var overflowResync: LiveMessage {
        LiveMessage(sequence: sequence, kind: .resync, visibility: .everyone, json: overflowJSON)
    }

    private func replay(after lastEventID: String, scope: SubstationScope) -> [LiveFrame] {
        let resync = [
            LiveFrame.message(
                LiveMessage(
                    sequence: sequence, kind: .resync, visibility: .everyone,
                    json: LiveJSON.encode(["reason": "Last-Event-ID \(lastEventID.prefix(40)) is outside the replay window"])))
        ]
        let parts = lastEventID.split(separator: "-")
        guard parts.count == 2, parts[0] == epoch, let last = Int64(parts[1]), last <= sequence else { return resync }
        if last == sequence { return [] }
        guard let oldest = history.first?.sequence, last >= oldest - 1 else { return resync }
        let missed = history.filter { $0.sequence > last && $0.isVisible(to: scope) }
        guard missed.count <= settings.bufferMessages else { return resync }
        return missed.map { .message($0) }
    }
}
