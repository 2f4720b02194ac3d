import HopProtocol

/// What the REST mode can post (`--post`).
public enum RestRecordKind: String, Sendable, CaseIterable {
    /// One `POST /api/ingest/telemetry` per feeder and tick.
    case telemetry
    /// `FEEDER_TRIP` / `FEEDER_RESTORE` per breaker transition.
    case events
    /// An outage record per trip (ACTIVE), updated to RESTORED when the breaker closes — what an
    /// outage management system would send.
    case outages
}

/// Builds the seed-format records the REST mode posts, from the simulation's ground truth.
public struct SeedRecords: Sendable {
    public let state: SimulationState

    public init(state: SimulationState) { self.state = state }

    /// Estimated restoration time given for a trip with no scripted reclose.
    public static let defaultRestorationMs: Int64 = 90 * 60_000

    /// The readings of one substation at `t`.
    public func telemetry(site: Site, at t: Int64) -> [Telemetry] {
        state.truth(substation: site.index, at: t).feeders.map { r in
            Telemetry(
                substationID: site.substationID, feederID: r.feederID, deviceID: r.deviceID, siteName: site.name,
                latitude: site.latitude, longitude: site.longitude, voltageKV: r.voltageKV, currentA: r.currentA,
                powerMW: r.powerMW, frequencyHz: r.frequencyHz, ts: SourceTime(epochMilliseconds: t))
        }
    }

    /// The event for a breaker transition, with its exact source time.
    public func event(_ t: FaultTimeline.BreakerTransition) -> GridEvent {
        let site = state.sites[t.substation]
        let feeder = Site.feederID(index: t.feeder)
        return GridEvent(
            substationID: site.substationID, deviceID: site.deviceID(feeder: t.feeder), feederID: feeder,
            severity: t.closed ? GridEventSeverity.info : GridEventSeverity.alarm,
            eventType: t.closed ? GridEventType.feederRestore : GridEventType.feederTrip,
            oldState: t.closed ? "OPEN" : "CLOSED", newState: t.closed ? "CLOSED" : "OPEN",
            message: "\(site.name) \(feeder) breaker " + (t.closed ? "closed" : "opened"),
            latitude: site.latitude, longitude: site.longitude, ts: SourceTime(epochMilliseconds: t.at))
    }

    /// The outage a trip starts (`ACTIVE`, with the customers and the megawatts the feeder served
    /// just before) or a reclose ends (`RESTORED`, no customers out). One `outage_id` per trip:
    /// `OUT-SUB002-FDR003-<trip epoch ms>`.
    public func outage(_ t: FaultTimeline.BreakerTransition) -> Outage {
        let site = state.sites[t.substation]
        let feeder = Site.feederID(index: t.feeder)
        let id = OutageID("OUT-\(site.substationID)-\(feeder)-\(t.openedAt)")
        if t.closed {
            return Outage(
                outageID: id, substationID: site.substationID, feederID: feeder, customersOut: 0, status: "RESTORED",
                ts: SourceTime(epochMilliseconds: t.at))
        }
        let before = state.truth(substation: t.substation, at: t.at - 1).feeders[t.feeder]
        let reclose = state.faults.reclose(substation: t.substation, feeder: t.feeder, openedAt: t.openedAt)
        return Outage(
            outageID: id, substationID: site.substationID, feederID: feeder,
            customersOut: state.model.customers(site: site, feeder: t.feeder),
            mwInterrupted: (before.powerMW * 10).rounded() / 10, status: "ACTIVE", cause: "feeder breaker trip",
            region: site.name, etrTime: SourceTime(epochMilliseconds: reclose ?? t.at + Self.defaultRestorationMs),
            latitude: site.latitude, longitude: site.longitude, ts: SourceTime(epochMilliseconds: t.at))
    }
}
