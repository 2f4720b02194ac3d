import HopDNP3

extension DevicePlan {
    /// What `hop-edge check` prints for a DNP3 device: addresses, polls, reporting and each
    /// feeder's points.
    public var dnp3Description: String {
        let d = device
        guard let s = d.dnp3 else { return description }
        var lines = [
            "device \(d.name): \(d.transport) master \(s.masterAddress) → outstation \(s.outstationAddress), "
                + "substation \(d.substationID), \(d.feeders.count) feeder\(d.feeders.count == 1 ? "" : "s"), "
                + "timeout \(d.timeout.compact), retries \(d.retries), read-only"
        ]
        for scan in scans {
            let what =
                switch DNP3Poll(scanName: scan.name) {
                case .integrity: "classes 1, 2, 3, 0 (also at start-up, reconnect and DEVICE_RESTART)"
                case .events(let c): "\(c) events"
                }
            lines.append("  poll \(scan.name) every \(scan.interval.compact): \(what)")
        }
        if !s.eventVariations.isEmpty {
            lines.append("  events asked as " + s.eventVariations.map(\.description).joined(separator: ", ") + " ahead of the classes")
        }
        lines.append("  unsolicited \(s.unsolicited ? "enabled" : "disabled"), time sync on NEED_TIME \(s.timeSync ? "on" : "off")")
        for (index, feeder) in d.feeders.enumerated() {
            guard let map = feeder.dnp3Map else { continue }
            var parts = TelemetryField.allCases.compactMap { field -> String? in
                guard let p = map.points[field] else { return nil }
                var text = "\(field.rawValue)=g\(p.group) index \(p.index)"
                if p.scale != 1 || p.offset != 0 { text += " ×\(p.scale)+\(p.offset)" }
                return text
            }
            if let b = map.breaker {
                let closed = b.type == .doubleBit ? "closed when \(b.closedWhenOn ? "ON" : "OFF")" : "closed=\(b.closedValue ? 1 : 0)"
                parts.append("breaker=g\(b.group) index \(b.index) \(closed)")
            }
            lines.append("  feeder \(index) \(feeder.feederID) (device_id \(feeder.deviceID)): " + parts.joined(separator: ", "))
        }
        return lines.joined(separator: "\n")
    }
}
