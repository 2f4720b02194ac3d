import HopProtocol
import Logging

/// The hub's own alarm sources: stored events, scores, and the periodic sweep (shelf expiry, silence).
extension AlarmEngine {
    /// Events just committed: FEEDER_TRIP (severity ALARM) raises and FEEDER_RESTORE returns the
    /// feeder's trip alarm; COMM_FAIL raises and COMM_RESTORED returns the device's. Events
    /// without a substation raise nothing (alarms are granted per substation).
    public func eventsStored(_ events: [StoredEvent]) async {
        for stored in events {
            guard let found = Self.condition(stored) else { continue }
            let (condition, raises) = found
            if raises { await raise(condition) } else { await returnToNormal(condition) }
        }
    }

    /// The condition an event raises (true) or returns (false), nil for other events.
    static func condition(_ stored: StoredEvent) -> (AlarmCondition, Bool)? {
        let e = stored.event
        guard let substation = stored.substationID ?? e.substationID else { return nil }
        let message = e.message ?? "\(e.eventType) \(e.oldState ?? "?") → \(e.newState ?? "?")"
        switch e.eventType.uppercased() {
        case GridEventType.feederTrip where e.severity.uppercased() == GridEventSeverity.alarm:
            return (AlarmCondition(type: .feederTrip, substationID: substation, feederID: e.feederID, at: stored.ts, message: message), true)
        case GridEventType.feederRestore:
            return (AlarmCondition(type: .feederTrip, substationID: substation, feederID: e.feederID, at: stored.ts, message: message), false)
        case GridEventType.commFail:
            return (AlarmCondition(type: .commFail, substationID: substation, deviceID: e.deviceID, at: stored.ts, message: message), true)
        case GridEventType.commRestored:
            return (AlarmCondition(type: .commFail, substationID: substation, deviceID: e.deviceID, at: stored.ts, message: message), false)
        default:
            return nil
        }
    }

    /// Scores just written: ANOMALY raises the substation's anomaly alarm, NORMAL returns it;
    /// ELEVATED leaves it as it is.
    public func scored(_ scores: [StoredScore]) async {
        for score in scores {
            let r = score.result
            let condition = AlarmCondition(
                type: .anomaly, substationID: score.substationID, at: score.ts, value: r.anomalyScore,
                message: "anomaly score \(Self.format(r.anomalyScore)) (z \(Self.format(r.zScore)), frequency \(r.latestValue) Hz)")
            switch r.classification {
            case .anomaly: _ = await raise(condition, onlyIfInactive: true)  // a level: one raise while it lasts
            case .normal: await returnToNormal(condition)
            case .elevated: break
            }
        }
    }

    /// One sweep: shelves past their end are unshelved; substations silent for `silence_s` raise
    /// SUBSTATION_SILENT, and those reporting again return it. Returns the changes made.
    @discardableResult
    public func sweep() async -> [Alarm] {
        guard settings.enabled else { return [] }
        var changed: [Alarm] = []
        let t = now()
        let machine = self.machine
        do {
            for id in try await store.expiredShelves(now: t) {
                do {
                    for c in try await store.changeAlarms(ids: [id], { a in
                        let after = try machine.apply(.expireShelf(at: t), to: a, now: t)
                        return AlarmChange(alarm: after, entry: Self.entry("shelf_expired", after, at: t))
                    }) {
                        publish(c)
                        changed.append(c.alarm)
                    }
                } catch is AlarmTransitionError {
                    // Another hub process sharing the database (or an operator) got there first.
                } catch {
                    logger.error("alarm shelf expiry failed", metadata: ["alarm": "\(id)", "error": "\(error)"])
                }
            }
        } catch {
            logger.error("alarm shelf expiry failed", metadata: ["error": "\(error)"])
        }
        guard settings.silenceSeconds > 0 else { return changed }
        do {
            let silenceMs = Int64(settings.silenceSeconds) * 1000
            let lastSeen = try await store.substationsLastSeen()
            let silentNow = Set(try await store.activeAlarmKeys(type: .substationSilent).map(\.substationID))
            for (substation, seen) in lastSeen.sorted(by: { $0.key < $1.key }) {
                let quiet = t - seen
                let condition = AlarmCondition(
                    type: .substationSilent, substationID: substation, at: quiet >= silenceMs ? t : seen,
                    message: "no reading from \(substation) for \(quiet / 1000) s (alarms.silence_s = \(settings.silenceSeconds))")
                if quiet >= silenceMs, quiet < Self.silenceLookbackMs, !silentNow.contains(substation) {
                    if let a = await raise(condition, onlyIfInactive: true) { changed.append(a) }
                } else if quiet < silenceMs, silentNow.contains(substation) {
                    var back = condition
                    back.message = "\(substation) reports again"
                    if let a = await returnToNormal(back) { changed.append(a) }
                }
            }
        } catch {
            logger.error("alarm silence check failed", metadata: ["error": "\(error)"])
        }
        return changed
    }

    /// Substations silent for longer than this (a week) when first checked are not alarmed: they
    /// were retired, not lost.
    static let silenceLookbackMs: Int64 = 7 * 86_400_000

    static func format(_ x: Double) -> String {
        let rounded = (x * 100).rounded() / 100
        return "\(rounded)"
    }
}
