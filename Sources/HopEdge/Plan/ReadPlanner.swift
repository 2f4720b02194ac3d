import HopProtocol

/// Turns a device's feeders and scan classes into read requests: adjacent points of the same
/// table are coalesced into as few requests as the protocol allows (125 registers, 2000 bits),
/// spanning at most `max_gap_*` unused addresses; in `per_point` mode every point is its own read.
public enum ReadPlanner {
    /// Plans `device`; `file` and `path` locate it for error messages.
    public static func plan(_ device: DeviceConfig, file: String = "", path: String = "") throws(ConfigError) -> DevicePlan {
        let all = try sharedPoints(of: device, file: file, path: path)
        var scans: [ScanPlan] = []
        var claimedFields: Set<TelemetryField> = []
        var claimedBreaker = false
        for scan in device.scanClasses {
            claimedFields.formUnion(scan.fields)
            claimedBreaker = claimedBreaker || scan.breaker
            let roles = Set(scan.fields.map(PointRole.analog) + (scan.breaker ? [.breaker] : []))
            let requests = coalesce(all.filter { roles.contains($0.role) }, device: device)
            guard !requests.isEmpty else {
                throw ConfigError(
                    file: file, keyPath: "\(path).scan_classes", message: "scan class '\(scan.name)' matches no point of any feeder")
            }
            scans.append(ScanPlan(name: scan.name, interval: scan.interval, requests: requests))
        }
        let rest = Set(
            TelemetryField.allCases.filter { !claimedFields.contains($0) }.map(PointRole.analog)
                + (claimedBreaker ? [] : [.breaker]))
        let defaultRequests = coalesce(all.filter { rest.contains($0.role) }, device: device)
        if !defaultRequests.isEmpty {
            scans.insert(ScanPlan(name: "default", interval: device.pollInterval, requests: defaultRequests), at: 0)
        }
        return DevicePlan(device: device, scans: scans)
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
