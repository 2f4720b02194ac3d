import HopProtocol

extension DevicePlan {
    /// The human-readable read plan `hop-edge check` prints: one line per request with the points
    /// it serves and their offsets.
    public var description: String {
        var lines: [String] = []
        let d = device
        lines.append(
            "device \(d.name): \(d.transport) unit \(d.unitID), substation \(d.substationID), "
                + "\(d.feeders.count) feeder\(d.feeders.count == 1 ? "" : "s"), timeout \(d.timeout.compact), "
                + "retries \(d.retries), \(d.readMode.rawValue)")
        for (index, feeder) in d.feeders.enumerated() {
            let source = feeder.profile.map { "profile \($0)" } ?? "inline map"
            lines.append(
                "  feeder \(index) \(feeder.feederID) (device_id \(feeder.deviceID)): \(source), "
                    + "register_base \(feeder.registerBase), bit_base \(feeder.bitBase)")
        }
        for scan in scans {
            let unitCount = scan.requests.reduce(0) { $0 + $1.count }
            lines.append(
                "  scan \(scan.name) every \(scan.interval.compact): \(scan.requests.count) request"
                    + "\(scan.requests.count == 1 ? "" : "s"), \(unitCount) registers/bits")
            for request in scan.requests {
                let unit = request.function.isBit ? "bit" : "register"
                let range = "\(request.start)…\(request.start + request.count - 1)"
                let points = request.points.map { p -> String in
                    let name = d.describe(p.refs)
                    switch p.kind {
                    case .analog(let s):
                        var text = "\(name)@+\(p.offset) \(s.type.rawValue) \(s.order.rawValue)"
                        if s.scale != 1 || s.offset != 0 { text += " ×\(s.scale)+\(s.offset)" }
                        return text
                    case .breaker(let s):
                        return "\(name)@+\(p.offset) closed=\(s.closedValue)"
                    }
                }
                lines.append(
                    "    read \(request.function.rawValue) \(range) (\(request.count) \(unit)\(request.count == 1 ? "" : "s")): "
                        + points.joined(separator: ", "))
            }
        }
        return lines.joined(separator: "\n")
    }
}
