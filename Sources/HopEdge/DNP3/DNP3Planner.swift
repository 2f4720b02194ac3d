import HopDNP3

/// The schedule of a DNP3 device as scan classes the poller runs: `integrity` at the integrity
/// interval and `class1`…`class3` event polls at their own rates. The scans carry no Modbus
/// requests; `DNP3Session` reads the kind of poll from the scan's name.
public enum DNP3Planner {
    public static func plan(_ device: DeviceConfig, settings: DNP3Settings) -> DevicePlan {
        var scans = [ScanPlan(name: DNP3Poll.integrity.name, interval: settings.integrityInterval, requests: [])]
        for c in PointClass.events {
            guard let interval = settings.eventPolls[c] else { continue }
            scans.append(ScanPlan(name: DNP3Poll.events(c).name, interval: interval, requests: []))
        }
        return DevicePlan(device: device, scans: scans)
    }
}

/// What one DNP3 scan asks the outstation for.
public enum DNP3Poll: Hashable, Sendable {
    /// Classes 1, 2, 3 and 0.
    case integrity
    /// One event class.
    case events(PointClass)

    public var name: String {
        switch self {
        case .integrity: "integrity"
        case .events(let c): "class\(c.rawValue)"
        }
    }

    /// The poll a scan name stands for; unknown names are integrity polls.
    public init(scanName: String) {
        switch scanName {
        case "class1": self = .events(.class1)
        case "class2": self = .events(.class2)
        case "class3": self = .events(.class3)
        default: self = .integrity
        }
    }
}
