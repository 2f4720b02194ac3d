import HopDNP3
import HopProtocol
import Yams

extension ConfigLoader {
    static let dnp3DeviceKeys = [
        "name", "protocol", "host", "port", "serial", "timeout", "retries", "substation_id", "site_name", "latitude",
        "longitude", "master_address", "outstation_address", "integrity_interval", "event_polls", "unsolicited",
        "event_variations", "time_sync", "feeders",
    ]
    static let dnp3FeederKeys = ["feeder_id", "device_id", "points", "breaker"]

    /// The `protocol:` of a device node, when it is a plain value (for choosing the key set).
    static func protocolName(of node: ConfigNode) -> String? {
        guard case .mapping(let mapping) = node.node else { return nil }
        return mapping.first { $0.key.string == "protocol" }?.value.string
    }

    /// A `dnp3-tcp` or `dnp3-serial` device.
    func dnp3DeviceConfig(_ node: ConfigNode) throws(ConfigError) -> DeviceConfig {
        let f = try node.mapping(allowed: Self.dnp3DeviceKeys)
        let name = try f.required("name").identifier()
        let protocolNode = try f.required("protocol")
        let transport: Transport
        switch try protocolNode.string() {
        case "dnp3-tcp":
            if let serial = f.optional("serial") { throw serial.error("serial settings are for protocol dnp3-serial") }
            let hostNode = try f.required("host")
            let host = try hostNode.string()
            guard HostName.isValid(host) else {
                throw hostNode.error("'\(ConfigError.echo(host))' is not a host name or IP address")
            }
            transport = .dnp3TCP(host: host, port: try f.optional("port")?.int(in: 1...65535) ?? 20000)
        default:
            for key in ["host", "port"] {
                if let n = f.optional(key) { throw n.error("\(key) is for protocol dnp3-tcp") }
            }
            let serialNode = try f.required("serial")
            let serial = try serialSettings(serialNode)
            guard SerialChannel.speeds[serial.baud] != nil else {
                let node = try serialNode.mapping(allowed: ["device", "baud", "parity", "data_bits", "stop_bits"]).optional("baud") ?? serialNode
                throw node.error("\(serial.baud) is not a standard speed (one of: \(SerialChannel.speeds.keys.sorted().map(String.init).joined(separator: ", ")))")
            }
            transport = .dnp3Serial(serial)
        }
        let outstationNode = try f.required("outstation_address")
        var settings = DNP3Settings(outstationAddress: UInt16(try outstationNode.int(in: 0...65519)))
        if let n = f.optional("master_address") {
            settings.masterAddress = UInt16(try n.int(in: 0...65519))
            guard settings.masterAddress != settings.outstationAddress else {
                throw n.error("master_address must differ from outstation_address \(settings.outstationAddress)")
            }
        }
        if let n = f.optional("integrity_interval") { settings.integrityInterval = try n.duration(in: .seconds(1) ... .seconds(86_400)) }
        if let n = f.optional("event_polls") { settings.eventPolls = try eventPolls(n, defaults: settings.eventPolls) }
        if let n = f.optional("unsolicited") { settings.unsolicited = try n.bool() }
        if let n = f.optional("time_sync") { settings.timeSync = try n.bool() }
        if let n = f.optional("event_variations") { settings.eventVariations = try eventVariations(n) }
        let substation = try f.required("substation_id").identifier()
        var device = DeviceConfig(
            name: name, transport: transport, unitID: Int(settings.outstationAddress), substationID: SubstationID(substation),
            feeders: [])
        device.dnp3 = settings
        if let n = f.optional("timeout") { device.timeout = try n.duration(in: .milliseconds(10) ... .seconds(60)) }
        if let n = f.optional("retries") { device.retries = try n.int(in: 0...10) }
        if let n = f.optional("site_name") { device.siteName = try n.string() }
        if let n = f.optional("latitude") { device.latitude = try n.double(in: -90...90) }
        if let n = f.optional("longitude") { device.longitude = try n.double(in: -180...180) }
        if (device.latitude == nil) != (device.longitude == nil) {
            throw node.error("latitude and longitude go together: give both or neither")
        }
        let feedersNode = try f.required("feeders")
        let feederNodes = try feedersNode.sequence()
        for feederNode in feederNodes { device.feeders.append(try dnp3Feeder(feederNode, substation: substation)) }
        guard !device.feeders.isEmpty else { throw feedersNode.error("at least one feeder is required") }
        var seen: Set<FeederID> = []
        for (i, feeder) in device.feeders.enumerated() where !seen.insert(feeder.feederID).inserted {
            throw try feederNodes[i].mapping(allowed: Self.dnp3FeederKeys).required("feeder_id")
                .error("feeder '\(feeder.feederID)' appears twice on this device")
        }
        try checkDNP3Conflicts(device, feederNodes: feederNodes)
        return device
    }

    private func eventPolls(_ node: ConfigNode, defaults: [PointClass: Duration]) throws(ConfigError) -> [PointClass: Duration] {
        let f = try node.mapping(allowed: ["class1", "class2", "class3"])
        var polls = defaults
        for c in PointClass.events {
            guard let n = f.optional("class\(c.rawValue)") else { continue }
            if (try? n.string()) == "off" {
                polls[c] = nil
            } else {
                polls[c] = try n.duration(in: .milliseconds(10) ... .seconds(86_400))
            }
        }
        return polls
    }

    private func eventVariations(_ node: ConfigNode) throws(ConfigError) -> [ObjectID] {
        let allowed: Set<String> = [
            "g2v1", "g2v2", "g2v3", "g4v1", "g4v2", "g4v3", "g22v1", "g22v2", "g22v5", "g22v6",
            "g32v1", "g32v2", "g32v3", "g32v4", "g32v5", "g32v6", "g32v7", "g32v8",
        ]
        var result: [ObjectID] = []
        for item in try node.sequence() {
            let text = try item.string()
            guard allowed.contains(text.lowercased()), let id = ObjectID(text) else {
                throw item.error("'\(ConfigError.echo(text))' is not an event object this master reads (one of: \(allowed.sorted().joined(separator: ", ")))")
            }
            guard !result.contains(where: { $0.group == id.group }) else {
                throw item.error("g\(id.group) is asked for twice; give one variation per event group")
            }
            result.append(id)
        }
        return result
    }

    private func dnp3Feeder(_ node: ConfigNode, substation: String) throws(ConfigError) -> FeederConfig {
        let f = try node.mapping(allowed: Self.dnp3FeederKeys)
        let feederID = try f.required("feeder_id").identifier()
        var deviceID = "\(substation)-\(feederID)"
        if let n = f.optional("device_id") { deviceID = try n.identifier() }
        var map = DNP3FeederMap()
        if let n = f.optional("points") {
            let fields = try n.mapping(allowed: TelemetryField.allCases.map(\.rawValue))
            for field in TelemetryField.allCases {
                guard let pointNode = fields.optional(field.rawValue) else { continue }
                map.points[field] = try dnp3Point(pointNode)
            }
        }
        if let n = f.optional("breaker") { map.breaker = try dnp3Breaker(n) }
        guard !map.points.isEmpty || map.breaker != nil else { throw node.error("a feeder needs points and/or a breaker") }
        var feeder = FeederConfig(feederID: FeederID(feederID), deviceID: DeviceID(deviceID), map: RegisterMap())
        feeder.dnp3Map = map
        return feeder
    }

    private func dnp3Point(_ node: ConfigNode) throws(ConfigError) -> DNP3AnalogSpec {
        let f = try node.mapping(allowed: ["group", "index", "scale", "offset"])
        let groupNode = try f.required("group")
        let type: PointType
        switch try groupNode.int(in: 0...255) {
        case 30: type = .analog
        case 20: type = .counter
        case 32, 22:
            throw groupNode.error("write the static group (30 for analog inputs, 20 for counters); its events (g32, g22) update the same point")
        case let g:
            throw groupNode.error("group \(g) is not an analog point; use 30 (analog input) or 20 (counter)")
        }
        var spec = DNP3AnalogSpec(type: type, index: UInt32(try f.required("index").int(in: 0...65535)))
        if let n = f.optional("scale") {
            spec.scale = try n.double(in: -1e12...1e12)
            guard spec.scale != 0 else { throw n.error("scale 0 would make every reading 0") }
        }
        if let n = f.optional("offset") { spec.offset = try n.double(in: -1e12...1e12) }
        return spec
    }

    private func dnp3Breaker(_ node: ConfigNode) throws(ConfigError) -> DNP3BreakerSpec {
        let f = try node.mapping(allowed: ["group", "index", "closed_value", "closed_state"])
        let groupNode = try f.required("group")
        let index = UInt32(try f.required("index").int(in: 0...65535))
        switch try groupNode.int(in: 0...255) {
        case 1:
            if let n = f.optional("closed_state") { throw n.error("closed_state is for double-bit breakers (group 3); use closed_value 0 or 1") }
            var spec = DNP3BreakerSpec(type: .binary, index: index)
            if let n = f.optional("closed_value") { spec.closedValue = try n.int(in: 0...1) == 1 }
            return spec
        case 3:
            if let n = f.optional("closed_value") { throw n.error("closed_value is for binary breakers (group 1); use closed_state on or off") }
            var spec = DNP3BreakerSpec(type: .doubleBit, index: index)
            if let n = f.optional("closed_state") {
                switch try n.string() {
                case "on": spec.closedWhenOn = true
                case "off": spec.closedWhenOn = false
                case let other: throw n.error("'\(ConfigError.echo(other))' is not one of: on, off")
                }
            }
            return spec
        case 2, 4:
            throw groupNode.error("write the static group (1 for binary, 3 for double-bit inputs); its events (g2, g4) update the same point")
        case let g:
            throw groupNode.error("group \(g) is not a breaker status; use 1 (binary input) or 3 (double-bit input)")
        }
    }

    /// One point may serve several feeders (a bus frequency read once, used by each); one feeder
    /// naming the same point for two of its fields is a mistake.
    private func checkDNP3Conflicts(_ device: DeviceConfig, feederNodes: [ConfigNode]) throws(ConfigError) {
        for (i, feeder) in device.feeders.enumerated() {
            guard let map = feeder.dnp3Map else { continue }
            var seen: [String: TelemetryField] = [:]
            for field in TelemetryField.allCases {
                guard let p = map.points[field] else { continue }
                let key = "g\(p.group) index \(p.index)"
                if let other = seen[key] {
                    let pointsNode = try feederNodes[i].mapping(allowed: Self.dnp3FeederKeys).required("points")
                    let fieldNode = try pointsNode.mapping(allowed: TelemetryField.allCases.map(\.rawValue)).required(field.rawValue)
                    throw fieldNode.error("\(key) is already \(other.rawValue) of this feeder")
                }
                seen[key] = field
            }
        }
    }
}
