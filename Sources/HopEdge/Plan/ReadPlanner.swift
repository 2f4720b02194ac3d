import HopProtocol

/// Turns a device's feeders and scan classes into read requests: adjacent points of the same
/// table are coalesced into as few requests as the protocol allows (125 registers, 2000 bits),
/// spanning at most `max_gap_*` unused addresses; in `per_point` mode every point is its own read.
public enum ReadPlanner {
    /// Plans `device`; `file` and `path` locate it for error messages.
    public static func plan(_ device: DeviceConfig, file: String = "", path: String = "") throws(ConfigError) -> DevicePlan {
        let all = points(of: device, roles: nil)
        try checkOverlaps(all, device: device, file: file, path: path)
        var scans: [ScanPlan] = []
        var claimedFields: Set<TelemetryField> = []
        var claimedBreaker = false
        for scan in device.scanClasses {
            claimedFields.formUnion(scan.fields)
            claimedBreaker = claimedBreaker || scan.breaker
            let roles = Set(scan.fields.map(PointRole.analog) + (scan.breaker ? [.breaker] : []))
            let requests = coalesce(points(of: device, roles: roles), device: device)
            guard !requests.isEmpty else {
                throw ConfigError(
                    file: file, keyPath: "\(path).scan_classes", message: "scan class '\(scan.name)' matches no point of any feeder")
            }
            scans.append(ScanPlan(name: scan.name, interval: scan.interval, requests: requests))
        }
        let rest = Set(
            TelemetryField.allCases.filter { !claimedFields.contains($0) }.map(PointRole.analog)
                + (claimedBreaker ? [] : [.breaker]))
        let defaultRequests = coalesce(points(of: device, roles: rest), device: device)
        if !defaultRequests.isEmpty {
            scans.insert(ScanPlan(name: "default", interval: device.pollInterval, requests: defaultRequests), at: 0)
        }
        return DevicePlan(device: device, scans: scans)
    }

    /// The device's points (optionally only those with the given roles), ordered by table and address.
    static func points(of device: DeviceConfig, roles: Set<PointRole>?) -> [PlannedPoint] {
        var result: [PlannedPoint] = []
        for (index, feeder) in device.feeders.enumerated() {
            for field in TelemetryField.allCases {
                guard let spec = feeder.map.points[field], roles?.contains(.analog(field)) ?? true else { continue }
                result.append(PlannedPoint(
                    ref: PointRef(feeder: index, role: .analog(field)), kind: .analog(spec), address: spec.address,
                    width: spec.width, offset: 0))
            }
            if let breaker = feeder.map.breaker, roles?.contains(.breaker) ?? true {
                result.append(PlannedPoint(
                    ref: PointRef(feeder: index, role: .breaker), kind: .breaker(breaker), address: breaker.address,
                    width: 1, offset: 0))
            }
        }
        return result.sorted { ($0.function, $0.address) < ($1.function, $1.address) }
    }

    private static func checkOverlaps(
        _ points: [PlannedPoint], device: DeviceConfig, file: String, path: String
    ) throws(ConfigError) {
        var previous: PlannedPoint?
        for point in points {
            let name = device.describe(point.ref)
            if point.address + point.width - 1 > 65535 {
                throw ConfigError(
                    file: file, keyPath: "\(path).feeders[\(point.ref.feeder)]",
                    message: "\(name) at \(point.function.rawValue) \(point.address) runs past address 65535")
            }
            if let p = previous, p.function == point.function, point.address < p.address + p.width {
                throw ConfigError(
                    file: file, keyPath: "\(path).feeders[\(point.ref.feeder)]",
                    message: "\(name) at \(point.function.rawValue) \(point.address) overlaps \(device.describe(p.ref)) "
                        + "(\(p.function.rawValue) \(p.address)…\(p.address + p.width - 1)); check register_base/bit_base")
            }
            previous = point
        }
    }

    private static func coalesce(_ points: [PlannedPoint], device: DeviceConfig) -> [ReadRequest] {
        var requests: [ReadRequest] = []
        for point in points {
            let maxGap = point.function.isBit ? device.maxGapBits : device.maxGapRegisters
            if device.readMode == .coalesced, var last = requests.last, last.function == point.function {
                let end = last.start + last.count
                let newCount = point.address + point.width - last.start
                if point.address - end <= maxGap, newCount <= point.function.maxPerRequest {
                    var placed = point
                    placed.offset = point.address - last.start
                    last.points.append(placed)
                    last.count = max(last.count, newCount)
                    requests[requests.count - 1] = last
                    continue
                }
            }
            var placed = point
            placed.offset = 0
            requests.append(ReadRequest(function: point.function, start: point.address, count: point.width, points: [placed]))
        }
        return requests
    }
}

extension PlannedPoint {
    /// The table the point is read from.
    public var function: ModbusFunction {
        switch kind {
        case .analog(let spec): spec.function
        case .breaker(let spec): spec.function
        }
    }
}

extension DeviceConfig {
    /// `FDR001.voltage_kv` for a point reference.
    public func describe(_ ref: PointRef) -> String {
        let feeder = ref.feeder < feeders.count ? feeders[ref.feeder].feederID.rawValue : "feeder#\(ref.feeder)"
        return "\(feeder).\(ref.role)"
    }
}
