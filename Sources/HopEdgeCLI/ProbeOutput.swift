import Foundation
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

    /// The `--json` output: as `ProbeReport.json` (pretty-printed, sorted snake_case keys), with
    /// DNP3 devices' reports in the same array.
    static func json(_ reports: [ProbeOutput]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try encoder.encode(reports), as: UTF8.self)
    }

    func encode(to encoder: any Encoder) throws {
        switch self {
        case .modbus(let r): try r.encode(to: encoder)
        case .dnp3(let r): try r.encode(to: encoder)
        }
    }
}
