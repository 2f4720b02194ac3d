/// Parses the `points:` and `breaker:` keys shared by profiles and inline feeder maps.
/// Addresses come out as written (relative); `RegisterMap.offset(registers:bits:)` applies bases.
enum RegisterMapParser {
    static let pointKeys = ["function", "address", "type", "order", "scale", "offset"]

    static func points(_ node: ConfigNode) throws(ConfigError) -> [TelemetryField: PointSpec] {
        let fields = try node.mapping(allowed: TelemetryField.allCases.map(\.rawValue))
        var points: [TelemetryField: PointSpec] = [:]
        for field in TelemetryField.allCases {
            guard let pointNode = fields.optional(field.rawValue) else { continue }
            points[field] = try point(pointNode)
        }
        return points
    }

    static func point(_ node: ConfigNode) throws(ConfigError) -> PointSpec {
        let f = try node.mapping(allowed: pointKeys)
        let functionNode = try f.required("function")
        let function = try functionNode.choice(ModbusFunction.self)
        guard !function.isBit else {
            throw functionNode.error("an analog point needs a register table (holding or input), not \(function.rawValue)")
        }
        var spec = PointSpec(function: function, address: try f.required("address").int(in: 0...65535))
        if let n = f.optional("type") { spec.type = try n.choice(RegisterType.self) }
        if let n = f.optional("order") { spec.order = try n.choice(ByteOrder.self) }
        if let n = f.optional("scale") {
            spec.scale = try n.double(in: -1e12...1e12)
            guard spec.scale != 0 else { throw n.error("scale 0 would make every reading 0") }
        }
        if let n = f.optional("offset") { spec.offset = try n.double(in: -1e12...1e12) }
        return spec
    }

    static func breaker(_ node: ConfigNode) throws(ConfigError) -> BreakerSpec {
        let f = try node.mapping(allowed: ["function", "address", "closed_value"])
        let function = try f.required("function").choice(ModbusFunction.self)
        var spec = BreakerSpec(function: function, address: try f.required("address").int(in: 0...65535))
        if let n = f.optional("closed_value") {
            spec.closedValue = try n.int(in: function.isBit ? 0...1 : 0...65535)
        }
        return spec
    }
}

extension RegisterMap {
    /// The map with register addresses shifted by `registers` and bit addresses by `bits`.
    func offset(registers: Int, bits: Int) -> RegisterMap {
        var copy = self
        for (field, var point) in points {
            point.address += point.function.isBit ? bits : registers
            copy.points[field] = point
        }
        if var breaker = copy.breaker {
            breaker.address += breaker.function.isBit ? bits : registers
            copy.breaker = breaker
        }
        return copy
    }
}
