import HopProtocol
import Logging

/// Keeps the stored alarms in step with their sources: stored events (FEEDER_TRIP/RESTORE,
/// COMM_FAIL/RESTORED), scores (ANOMALY/NORMAL), silence, and other sources through `AlarmSink`.
/// Operators act through `AlarmEngine+Operators.swift`. Every stored change is published live.
public struct AlarmEngine: AlarmSink {
    let store: any AlarmStore
    public let settings: AlarmSettings
    public let machine: AlarmMachine
    let now: @Sendable () -> Int64
    let live: LiveFeed?
    let logger: Logger

    public init(
        store: any AlarmStore, settings: AlarmSettings,
        now: @escaping @Sendable () -> Int64 = { SourceTime.now().epochMilliseconds }, live: LiveFeed? = nil, logger: Logger
    ) {
        self.store = store
        self.settings = settings
        machine = AlarmMachine(maxShelveSeconds: settings.maxShelveSeconds)
        self.now = now
        self.live = live
        self.logger = logger
    }

    @discardableResult
    public func raise(_ condition: AlarmCondition) async -> Alarm? {
        await raise(condition, onlyIfInactive: false)
    }

    /// Raises, or with `onlyIfInactive` leaves an already active alarm alone (a level check run
    /// repeatedly, like silence, must not count as chattering).
    func raise(_ c: AlarmCondition, onlyIfInactive: Bool) async -> Alarm? {
        let t = now()
        let machine = self.machine
        let priority = settings.priority(of: c.type)
        return await persist(c.key, "raise") { open in
            guard let open else {
                let alarm = Alarm(
                    type: c.type, substationID: c.substationID, feederID: c.feederID, deviceID: c.deviceID, priority: priority,
                    raisedAt: SourceTime(epochMilliseconds: c.at), value: c.value, message: c.message,
                    updatedAt: SourceTime(epochMilliseconds: t))
                return AlarmChange(alarm: alarm, entry: Self.entry("raised", alarm, at: c.at), created: true, annunciated: true)
            }
            if onlyIfInactive, open.active { return nil }
            let after = try machine.apply(.raise(at: c.at, value: c.value, message: c.message), to: open, now: t)
            return AlarmChange(
                alarm: after, entry: Self.entry("reraised", after, at: c.at), annunciated: AlarmMachine.annunciates(open.state))
        }
    }

    @discardableResult
    public func returnToNormal(_ c: AlarmCondition) async -> Alarm? {
        let t = now()
        let machine = self.machine
        return await persist(c.key, "return to normal") { open in
            guard let open, open.active else { return nil }
            let after = try machine.apply(.returnToNormal(at: c.at), to: open, now: t)
            return AlarmChange(alarm: after, entry: Self.entry("returned", after, at: c.at))
        }
    }

    private func persist(_ key: AlarmKey, _ what: String, _ change: @escaping @Sendable (Alarm?) throws -> AlarmChange?) async
        -> Alarm?
    {
        guard settings.enabled else { return nil }
        do {
            guard let stored = try await store.changeOpenAlarm(key, change) else { return nil }
            publish(stored)
            return stored.alarm
        } catch {
            logger.error("alarm \(what) failed", metadata: ["alarm": "\(key)", "error": "\(error)"])
            return nil
        }
    }

    func publish(_ change: AlarmChange) {
        live?.publishAlarm(change.alarm)
        logger.info(
            "alarm \(change.entry.event)",
            metadata: [
                "id": "\(change.alarm.id)", "type": "\(change.alarm.type)", "substation": "\(change.alarm.substationID)",
                "state": "\(change.alarm.state.rawValue)", "actor": "\(change.entry.actor ?? "hub")",
            ])
    }

    static func entry(_ event: String, _ alarm: Alarm, at: Int64, actor: String? = nil, comment: String? = nil)
        -> AlarmHistoryEntry
    {
        AlarmHistoryEntry(event: event, at: SourceTime(epochMilliseconds: at), state: alarm.state, actor: actor, comment: comment)
    }
}
