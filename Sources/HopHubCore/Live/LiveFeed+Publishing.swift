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
}

extension LiveFeed {
    /// Call after `writes` are committed (durable). Never blocks.
    public nonisolated func publishCommitted(_ writes: [IngestWrite]) {
        guard !writes.isEmpty else { return }
        enqueue(.committed(writes))
    }

    /// Call after `scores` are written. Never blocks.
    public nonisolated func publishScores(_ scores: [StoredScore]) {
        guard !scores.isEmpty else { return }
        enqueue(.scored(scores))
    }

    /// Call after an alert decision is stored. Never blocks.
    public nonisolated func publishAlert(_ entry: AlertLogEntry) {
        enqueue(.alert(entry))
    }

    /// Call after an alarm change is stored. Never blocks.
    public nonisolated func publishAlarm(_ alarm: Alarm) {
        enqueue(.alarm(alarm))
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
                let r = s.result
                let score = AnomalyScore(
                    time: SourceTime(epochMilliseconds: s.ts), substationID: s.substationID, anomalyScore: r.anomalyScore,
                    isAnomaly: r.isAnomaly, zScore: r.zScore, baselineMean: r.baselineMean, baselineStd: r.baselineStd,
                    latestValue: r.latestValue, modelVersion: ScoringSettings.modelVersion,
                    classification: AnomalyClass(score: r.anomalyScore).rawValue)
                broadcast(.score, .substation(s.substationID), json: LiveJSON.encode(score))
            }
        case .alert(let entry):
            broadcast(.alert, .substation(entry.substationID), json: LiveJSON.encode(entry))
        case .alarm(let alarm):
            broadcast(.alarm, .substation(alarm.substationID), json: LiveJSON.encode(alarm))
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
        do {
            let withEvents = writes.filter { !$0.events.isEmpty }
            if let since = withEvents.map(\.arrival).min() {
                for (i, record) in try await lookups.events(afterID: eventHighWater, receivedSince: since, limit: 10_000).enumerated() {
                    await pace(i)
                    eventHighWater = max(eventHighWater, record.id)
                    broadcast(.event, .substation(record.event.substationID), json: LiveJSON.encode(record))
                }
            }
            let outageIDs = Set(writes.flatMap { $0.outages.map(\.outage.outageID) })
            for record in try await lookups.outages(ids: outageIDs) {
                broadcast(.outage, .substation(record.outage.substationID), json: LiveJSON.encode(record))
            }
            let edgeIDs = Set(writes.compactMap { $0.edge?.id })
            for record in try await lookups.edges(ids: edgeIDs) {
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
