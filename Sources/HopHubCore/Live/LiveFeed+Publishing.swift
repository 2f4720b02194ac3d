import Foundation
import HopProtocol
import Logging
import Synchronization

/// Committed data handed to the feed; queued, never awaited by the writer.
enum LiveInput: Sendable {
    case committed([IngestWrite])
    case scored([StoredScore])
    case alert(AlertLogEntry)
    case alarm(Alarm)
    /// Committed by another replica (`LiveRelay`).
    case remote(LiveNews)
    /// News from other replicas may have been lost (the relay reconnected).
    case relayGap(String)
}

extension LiveFeed {
    /// Call after `writes` are committed (durable). Never blocks.
    public nonisolated func publishCommitted(_ writes: [IngestWrite]) {
        guard !writes.isEmpty else { return }
        enqueue(.committed(writes))
        relay?.publish(LiveNews(committed: writes))
    }

    /// Call after `scores` are written. Never blocks.
    public nonisolated func publishScores(_ scores: [StoredScore]) {
        guard !scores.isEmpty else { return }
        enqueue(.scored(scores))
        relay?.publish(LiveNews(scores: scores.map(AnomalyScore.init)))
    }

    /// Call after an alert decision is stored. Never blocks.
    public nonisolated func publishAlert(_ entry: AlertLogEntry) {
        enqueue(.alert(entry))
        relay?.publish(LiveNews(alerts: [entry]))
    }

    /// Call after an alarm change is stored. Never blocks.
    public nonisolated func publishAlarm(_ alarm: Alarm) {
        enqueue(.alarm(alarm))
        relay?.publish(LiveNews(alarms: [alarm]))
    }

    /// News another replica committed (from `LiveRelay`'s listener). Never blocks.
    public nonisolated func receive(_ news: LiveNews) {
        guard !news.isEmpty else { return }
        enqueue(.remote(news))
    }

    /// Tells every stream to resync: news from other replicas may have been missed while the
    /// relay's listener was disconnected. Never blocks.
    public nonisolated func relayInterrupted(reason: String) {
        enqueue(.relayGap(reason))
    }

    private nonisolated func enqueue(_ input: LiveInput) {
        if case .dropped = inputContinuation.yield(input) { lostInputs.add(1, ordering: .relaxed) }
    }

    /// Turns one input into messages. Read-back failures are logged and answered with `resync`.
    func process(_ input: LiveInput) async {
        let lost = lostInputs.exchange(0, ordering: .relaxed)
        if lost > 0 { broadcastResync(reason: "the live feed's queue overflowed (\(lost) updates lost)") }
        guard !subscribers.isEmpty else {
            // Nobody listens: skip the work, and make the gap visible to a later Last-Event-ID.
            sequence += 1
            history.removeAll()
            return
        }
        switch input {
        case .committed(let writes): await processCommitted(writes)
        case .scored(let scores):
            for (i, s) in scores.enumerated() {
                await pace(i)
                broadcast(.score, .substation(s.substationID), json: LiveJSON.encode(AnomalyScore(s)))
            }
        case .alert(let entry):
            broadcast(.alert, .substation(entry.substationID), json: LiveJSON.encode(entry))
        case .alarm(let alarm):
            broadcast(.alarm, .substation(alarm.substationID), json: LiveJSON.encode(alarm))
        case .remote(let news):
            await processRemote(news)
        case .relayGap(let reason):
            broadcastResync(reason: reason)
        }
    }

    private func processCommitted(_ writes: [IngestWrite]) async {
        let now = ContinuousClock.now
        let interval = Duration.milliseconds(settings.coalesceMilliseconds)
        var sent = 0
        for write in writes {
            for t in write.telemetry {
                if let reading = readings.offer(t, now: now, interval: interval) {
                    await pace(sent)
                    sent += 1
                    broadcast(.reading, .substation(reading.substationID), json: LiveJSON.encode(reading))
                }
            }
        }
        await readBack(
            eventsSince: writes.filter { !$0.events.isEmpty }.map(\.arrival).min(),
            outages: Set(writes.flatMap { $0.outages.map(\.outage.outageID) }), edges: Set(writes.compactMap { $0.edge?.id }))
    }

    /// Another replica's news: its readings through the same coalescing, its events, outages and
    /// edges read back from the shared store, its scores, alerts and alarms as they came.
    private func processRemote(_ news: LiveNews) async {
        let now = ContinuousClock.now
        let interval = Duration.milliseconds(settings.coalesceMilliseconds)
        for (i, reading) in news.readings.enumerated() {
            guard let due = readings.offer(reading, now: now, interval: interval) else { continue }
            await pace(i)
            broadcast(.reading, .substation(due.substationID), json: LiveJSON.encode(due))
        }
        await readBack(eventsSince: news.eventsSince, outages: Set(news.outages), edges: Set(news.edges))
        for (i, score) in news.scores.enumerated() {
            await pace(i)
            broadcast(.score, .substation(score.substationID), json: LiveJSON.encode(score))
        }
        for entry in news.alerts { broadcast(.alert, .substation(entry.substationID), json: LiveJSON.encode(entry)) }
        for alarm in news.alarms { broadcast(.alarm, .substation(alarm.substationID), json: LiveJSON.encode(alarm)) }
    }

    /// Reads back and sends the events stored since `eventsSince` (ms of arrival; nil: none) past
    /// the feed's high-water mark, and the stored state of `outages` and `edges`.
    private func readBack(eventsSince: Int64?, outages: Set<OutageID>, edges: Set<EdgeID>) async {
        do {
            if let since = eventsSince {
                for (i, record) in try await lookups.events(afterID: eventHighWater, receivedSince: since, limit: 10_000).enumerated() {
                    await pace(i)
                    eventHighWater = max(eventHighWater, record.id)
                    broadcast(.event, .substation(record.event.substationID), json: LiveJSON.encode(record))
                }
            }
            for record in try await lookups.outages(ids: outages) {
                broadcast(.outage, .substation(record.outage.substationID), json: LiveJSON.encode(record))
            }
            for record in try await lookups.edges(ids: edges) {
                broadcast(.edge, .edge(record), json: LiveJSON.encode(record))
            }
        } catch {
            logger.error("live feed read-back failed", metadata: ["error": "\(error)"])
            broadcastResync(reason: "the hub could not read back committed data")
        }
    }

    /// Lets the streams' readers run between every 256 messages of a burst (a scoring pass over a
    /// large fleet, a big batch), so a burst larger than `live.buffer_messages` does not overflow
    /// readers that keep up.
    private func pace(_ index: Int) async {
        if index > 0, index % 256 == 0 { await Task.yield() }
    }

    /// Sends coalesced readings whose interval has passed.
    func flushReadings() {
        let interval = Duration.milliseconds(settings.coalesceMilliseconds)
        for reading in readings.due(now: .now, interval: interval) {
            broadcast(.reading, .substation(reading.substationID), json: LiveJSON.encode(reading))
        }
    }
}
