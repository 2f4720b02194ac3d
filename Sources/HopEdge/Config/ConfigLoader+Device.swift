import HopProtocol

extension ConfigLoader {
    static let deviceKeys = [
        "name", "protocol", "host", "port", "serial", "unit_id", "timeout", "retries", "substation_id", "site_name",
        "latitude", "longitude", "poll_interval", "read_mode", "max_gap_registers", "max_gap_bits", "scan_classes",
        "feeders",
    ]

    static let feederKeys = ["feeder_id", "device_id", "profile", "points", "breaker", "register_base", "bit_base"]

    func deviceConfig(_ node: ConfigNode, profiles: inout ProfileLoader) throws(ConfigError) -> DeviceConfig {
        if let name = Self.protocolName(of: node), name == "dnp3-tcp" || name == "dnp3-serial" {
            return try dnp3DeviceConfig(node)
        }
        let f = try node.mapping(allowed: Self.deviceKeys)
        let name = try f.required("name").identifier()
        let protocolNode = try f.required("protocol")
        let transport: Transport
        let unitRange: ClosedRange<Int>
        switch try protocolNode.string() {
        case "modbus-tcp":
            if let serial = f.optional("serial") { throw serial.error("serial settings are for protocol modbus-rtu") }
            let hostNode = try f.required("host")
            let host = try hostNode.string()
            guard HostName.isValid(host) else {
                throw hostNode.error("'\(ConfigError.echo(host))' is not a host name or IP address")
            }
            let port = try f.optional("port")?.int(in: 1...65535) ?? 502
            transport = .modbusTCP(host: host, port: port)
            unitRange = 0...255
        case "modbus-rtu":
            for key in ["host", "port"] {
                if let n = f.optional(key) { throw n.error("\(key) is for protocol modbus-tcp") }
            }
            transport = .modbusRTU(try serialSettings(f.required("serial")))
            unitRange = 1...247
        case let other:
            throw protocolNode.error("'\(other)' is not one of: modbus-tcp, modbus-rtu, dnp3-tcp, dnp3-serial")
        }
        let substation = try f.required("substation_id").identifier()
        var device = DeviceConfig(
            name: name, transport: transport, substationID: SubstationID(substation), feeders: [])
        if let n = f.optional("unit_id") { device.unitID = try n.int(in: unitRange) }
        if let n = f.optional("timeout") { device.timeout = try n.duration(in: .milliseconds(10) ... .seconds(60)) }
        if let n = f.optional("retries") { device.retries = try n.int(in: 0...10) }
        if let n = f.optional("site_name") { device.siteName = try n.string() }
        if let n = f.optional("latitude") { device.latitude = try n.double(in: -90...90) }
        if let n = f.optional("longitude") { device.longitude = try n.double(in: -180...180) }
        if (device.latitude == nil) != (device.longitude == nil) {
            throw node.error("latitude and longitude go together: give both or neither")
        }
        if let n = f.optional("poll_interval") { device.pollInterval = try n.duration(in: .milliseconds(10) ... .seconds(86_400)) }
        if let n = f.optional("read_mode") { device.readMode = try n.choice(ReadMode.self) }
        if let n = f.optional("max_gap_registers") { device.maxGapRegisters = try n.int(in: 0...124) }
        if let n = f.optional("max_gap_bits") { device.maxGapBits = try n.int(in: 0...1999) }
        if let n = f.optional("scan_classes") { device.scanClasses = try scanClasses(n) }
        let feedersNode = try f.required("feeders")
        let feederNodes = try feedersNode.sequence()
        for feederNode in feederNodes {
            device.feeders.append(try feederConfig(feederNode, substation: substation, profiles: &profiles))
        }
        guard !device.feeders.isEmpty else { throw feedersNode.error("at least one feeder is required") }
        var seen: Set<FeederID> = []
        for (i, feeder) in device.feeders.enumerated() where !seen.insert(feeder.feederID).inserted {
            throw try feederNodes[i].mapping(allowed: Self.feederKeys).required("feeder_id")
                .error("feeder '\(feeder.feederID)' appears twice on this device")
        }
        // Overlaps and other plan-level problems are reported by the planner with the same
        // context; the planner knows key paths, not lines, so add the line of the node named.
        do {
            _ = try ReadPlanner.plan(device, file: node.file, path: node.path)
        } catch {
            var located = error
            let nodes = feederNodes + [f.optional("scan_classes")].compactMap { $0 }
            if located.line == nil { located.line = nodes.first { $0.path == error.keyPath }?.line ?? node.line }
            throw located
        }
        return device
    }

    func serialSettings(_ node: ConfigNode) throws(ConfigError) -> SerialSettings {
        let f = try node.mapping(allowed: ["device", "baud", "parity", "data_bits", "stop_bits"])
        var s = SerialSettings(device: try f.required("device").string())
        if let n = f.optional("baud") {
            s.baud = try n.int(in: 300...921_600)
        }
        if let n = f.optional("parity") { s.parity = try n.choice(SerialSettings.Parity.self) }
        if let n = f.optional("data_bits") { s.dataBits = try n.int(in: 5...8) }
        if let n = f.optional("stop_bits") { s.stopBits = try n.int(in: 1...2) }
        return s
    }

    private func scanClasses(_ node: ConfigNode) throws(ConfigError) -> [ScanClassConfig] {
        var classes: [ScanClassConfig] = []
        var claimed: Set<String> = []
        for classNode in try node.sequence() {
            let f = try classNode.mapping(allowed: ["name", "interval", "fields"])
            let name = try f.required("name").identifier()
            guard name != "default", !classes.contains(where: { $0.name == name }) else {
                throw classNode.error("scan class name '\(name)' is reserved or used twice")
            }
            let interval = try f.required("interval").duration(in: .milliseconds(10) ... .seconds(86_400))
            var fields: Set<TelemetryField> = []
            var breaker = false
            let fieldsNode = try f.required("fields")
            for item in try fieldsNode.sequence() {
                let text = try item.string()
                guard claimed.insert(text).inserted else {
                    throw item.error("'\(text)' already belongs to another scan class")
                }
                if text == "breaker" {
                    breaker = true
                } else {
                    fields.insert(try item.choice(TelemetryField.self))
                }
            }
            guard !fields.isEmpty || breaker else { throw fieldsNode.error("a scan class needs at least one field") }
            classes.append(ScanClassConfig(name: name, interval: interval, fields: fields, breaker: breaker))
        }
        return classes
    }

    private func feederConfig(
        _ node: ConfigNode, substation: String, profiles: inout ProfileLoader
    ) throws(ConfigError) -> FeederConfig {
        let f = try node.mapping(allowed: Self.feederKeys)
        let feederID = try f.required("feeder_id").identifier()
        var deviceID = "\(substation)-\(feederID)"
        if let n = f.optional("device_id") { deviceID = try n.identifier() }
        var map = RegisterMap()
        var profileName: String?
        if let n = f.optional("profile") {
            profileName = try n.string()
            map = try profiles.profile(named: try n.string(), reference: n)
        }
        if let n = f.optional("points") {
            for (field, point) in try RegisterMapParser.points(n) { map.points[field] = point }
        }
        if let n = f.optional("breaker") { map.breaker = try RegisterMapParser.breaker(n) }
        guard !map.points.isEmpty || map.breaker != nil else {
            throw node.error("a feeder needs a profile, or inline points and/or a breaker")
        }
        let registerBase = try f.optional("register_base")?.int(in: 0...65535) ?? 0
        let bitBase = try f.optional("bit_base")?.int(in: 0...65535) ?? 0
        return FeederConfig(
            feederID: FeederID(feederID), deviceID: DeviceID(deviceID), profile: profileName,
            registerBase: registerBase, bitBase: bitBase, map: map.offset(registers: registerBase, bits: bitBase))
    }
}
