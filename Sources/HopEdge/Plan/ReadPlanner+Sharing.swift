import HopProtocol

extension ReadPlanner {
    /// Every point of `device` once, ordered by table and address. Feeders naming the same field at
    /// the same place with the same definition share one point (read once, used by each of them);
    /// any other overlap is a `ConfigError` naming both points and their definitions.
    static func sharedPoints(of device: DeviceConfig, file: String, path: String) throws(ConfigError) -> [PlannedPoint] {
        var result: [PlannedPoint] = []
        for point in feederPoints(of: device) {
            let keyPath = "\(path).feeders[\(point.refs[0].feeder)]"
            if point.address + point.width - 1 > 65535 {
                throw ConfigError(
                    file: file, keyPath: keyPath,
                    message: "\(device.describe(point.refs)) at \(point.function.rawValue) \(point.address) runs past address 65535")
            }
            guard let last = result.last, last.function == point.function, point.address < last.address + last.width else {
                result.append(point)
                continue
            }
            if last.address == point.address, last.kind == point.kind, last.role == point.role,
                !last.refs.contains(where: { $0.feeder == point.refs[0].feeder })
            {
                result[result.count - 1].refs += point.refs
                continue
            }
            throw ConfigError(
                file: file, keyPath: keyPath,
                message: "\(device.describe(point.refs)) (\(point.definition)) overlaps \(device.describe(last.refs)) "
                    + "(\(last.definition)): \(conflictReason(point, last)); check register_base/bit_base")
        }
        return result
    }

    /// One point per feeder and role, ordered by table, address and feeder.
    private static func feederPoints(of device: DeviceConfig) -> [PlannedPoint] {
        var result: [PlannedPoint] = []
        for (index, feeder) in device.feeders.enumerated() {
            for field in TelemetryField.allCases {
                guard let spec = feeder.map.points[field] else { continue }
                result.append(PlannedPoint(
                    refs: [PointRef(feeder: index, role: .analog(field))], kind: .analog(spec), address: spec.address,
                    width: spec.width, offset: 0))
            }
            if let breaker = feeder.map.breaker {
                result.append(PlannedPoint(
                    refs: [PointRef(feeder: index, role: .breaker)], kind: .breaker(breaker), address: breaker.address,
                    width: 1, offset: 0))
            }
        }
        return result.sorted { ($0.function, $0.address, $0.refs[0].feeder) < ($1.function, $1.address, $1.refs[0].feeder) }
    }

    private static func conflictReason(_ point: PlannedPoint, _ other: PlannedPoint) -> String {
        if other.refs.contains(where: { $0.feeder == point.refs[0].feeder }) {
            return "two points of one feeder cannot use the same \(point.function.isBit ? "bit" : "registers")"
        }
        if point.role != other.role {
            return "only the same field of different feeders may share a point"
        }
        return "feeders may share a point only when it is defined the same way for each"
    }
}

extension PlannedPoint {
    /// What the point is for (every reference of a shared point has the same role).
    public var role: PointRole { refs[0].role }

    /// The point's definition as a technician compares it: `holding 6…7 float32 ABCD ×0.01+50`,
    /// `coil 3 closed=1`.
    public var definition: String {
        let place = width == 1 ? "\(function.rawValue) \(address)" : "\(function.rawValue) \(address)…\(address + width - 1)"
        switch kind {
        case .analog(let s): return "\(place) \(s.type.rawValue) \(s.order.rawValue) ×\(s.scale)+\(s.offset)"
        case .breaker(let s): return "\(place) closed=\(s.closedValue)"
        }
    }
}

extension DeviceConfig {
    /// `FDR001.frequency_hz`, or `FDR001+FDR002.frequency_hz` for a point feeders share.
    public func describe(_ refs: [PointRef]) -> String {
        guard refs.count > 1, let role = refs.first?.role else { return refs.first.map(describe) ?? "?" }
        let names = refs.map { $0.feeder < feeders.count ? feeders[$0.feeder].feederID.rawValue : "feeder#\($0.feeder)" }
        return "\(names.joined(separator: "+")).\(role)"
    }
}
