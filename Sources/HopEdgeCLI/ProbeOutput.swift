import HopEdge

/// One device's probe result, Modbus or DNP3, encoded as that report alone.
enum ProbeOutput: Encodable {
    case modbus(ProbeReport)
    case dnp3(DNP3ProbeReport)

    var ok: Bool {
        switch self {
        case .modbus(let r): r.ok
        case .dnp3(let r): r.ok
        }
    }

    var text: String {
        switch self {
        case .modbus(let r): r.text
        case .dnp3(let r): r.text
        }
    }

    func encode(to encoder: any Encoder) throws {
        switch self {
        case .modbus(let r): try r.encode(to: encoder)
        case .dnp3(let r): try r.encode(to: encoder)
        }
    }
}
