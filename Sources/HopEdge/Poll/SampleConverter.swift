import HopProtocol

/// Turns scan samples and comm transitions into journal entries. Pure: state goes in and out.
public struct SampleConverter: Sendable {
    public let device: DeviceConfig

    public init(device: DeviceConfig) { self.device = device }

    /// One reading per feeder that had analog points in the scan, stamped with the scan time, and
    /// one per feeder and time for the analog events the device time-stamped itself.
    public func telemetry(_ sample: ScanSample, at time: SourceTime) -> [Telemetry] {
        timedTelemetry(sample.events) + scanTelemetry(sample, at: time)
    }

    private func timedTelemetry(_ events: [PointEvent]) -> [Telemetry] {
        var readings: [Telemetry] = []
        var slot: [String: Int] = [:]
        for event in events {
            guard case .analog(let field, let value) = event.value else { continue }
            let feeder = device.feeders[event.feeder]
            let key = "\(event.feeder)@\(event.time.epochMilliseconds)"
            let i: Int
            if let existing = slot[key] {
                i = existing
            } else {
                i = readings.count
                slot[key] = i
                readings.append(Telemetry(
                    substationID: device.substationID, feederID: feeder.feederID, deviceID: feeder.deviceID,
                    siteName: device.siteName, latitude: device.latitude, longitude: device.longitude, ts: event.time))
            }
            switch field {
            case .voltageKV: readings[i].voltageKV = value
            case .currentA: readings[i].currentA = value
            case .powerMW: readings[i].powerMW = value
            case .frequencyHz: readings[i].frequencyHz = value
            }
        }
        return readings
    }

    private func scanTelemetry(_ sample: ScanSample, at time: SourceTime) -> [Telemetry] {
        device.feeders.indices.compactMap { index in
            let feeder = device.feeders[index]
            let a = sample.analog
            let v = a[index, .voltageKV], c = a[index, .currentA], p = a[index, .powerMW], f = a[index, .frequencyHz]
            guard v != nil || c != nil || p != nil || f != nil else { return nil }
            return Telemetry(
                substationID: device.substationID, feederID: feeder.feederID, deviceID: feeder.deviceID,
                siteName: device.siteName, latitude: device.latitude, longitude: device.longitude,
                voltageKV: v, currentA: c, powerMW: p, frequencyHz: f, ts: time)
        }
    }

    /// `FEEDER_TRIP` (closed→open, ALARM) and `FEEDER_RESTORE` (open→closed, INFO) for every breaker
    /// whose state differs from the one remembered in `state`; the first sighting only records it.
    /// Changes the device time-stamped come first, in order, each with its own time; then the
    /// scan's states at the scan time.
    public func breakerEvents(_ sample: ScanSample, at time: SourceTime, state: inout DeviceState) -> [GridEvent] {
        var changes: [(feeder: Int, closed: Bool, time: SourceTime)] = sample.events.compactMap {
            guard case .breaker(let closed) = $0.value else { return nil }
            return ($0.feeder, closed, $0.time)
        }
        changes += sample.breakers.all.map { ($0.feeder, $0.closed, time) }
        var events: [GridEvent] = []
        for (index, closed, time) in changes {
            let feeder = device.feeders[index]
            let key = feeder.feederID.rawValue
            defer { state.breakers[key] = closed }
            guard let previous = state.breakers[key], previous != closed else { continue }
            let where_ = feeder.breakerLocation
            events.append(GridEvent(
                substationID: device.substationID, deviceID: feeder.deviceID, feederID: feeder.feederID,
                severity: closed ? GridEventSeverity.info : GridEventSeverity.alarm,
                eventType: closed ? GridEventType.feederRestore : GridEventType.feederTrip,
                oldState: previous ? "CLOSED" : "OPEN", newState: closed ? "CLOSED" : "OPEN",
                message: "breaker of \(key) \(closed ? "closed" : "opened") (\(where_) on \(device.name))",
                latitude: device.latitude, longitude: device.longitude, ts: time))
        }
        return events
    }

    /// The event recorded when a device stops answering.
    public func commFail(_ error: DeviceError, at time: SourceTime) -> GridEvent {
        GridEvent(
            substationID: device.substationID, deviceID: DeviceID(device.name), severity: GridEventSeverity.warning,
            eventType: GridEventType.commFail, oldState: "OK", newState: "FAILED",
            message: String(error.description.prefix(1000)), latitude: device.latitude, longitude: device.longitude,
            ts: time)
    }

    /// The event recorded when a failed device answers again.
    public func commRestored(at time: SourceTime, failedSince: SourceTime?) -> GridEvent {
        let outage = failedSince.map { " after \(Double(time.epochMilliseconds - $0.epochMilliseconds) / 1000) s" } ?? ""
        return GridEvent(
            substationID: device.substationID, deviceID: DeviceID(device.name), severity: GridEventSeverity.info,
            eventType: GridEventType.commRestored, oldState: "FAILED", newState: "OK",
            message: "device \(device.name) unit \(device.unitID) answers again\(outage)", latitude: device.latitude,
            longitude: device.longitude, ts: time)
    }
}
