import HopHubCore
import HopHubSQLite
import HopProtocol
import NIOCore

/// Measures how deeply a JSON text nests arrays and objects, without parsing it. Decoders recurse
/// once per level, so a body of a few hundred bytes of `[[[[…` would overflow the stack; bodies are
/// measured with this before any decoder sees them.
enum JSONNesting {
    /// The deepest nesting any request body may have. The deepest legitimate body (a GeoJSON
    /// MultiPolygon layer) nests 8 levels.
    static let maxDepth = 64

    /// Whether the text nests deeper than `limit` (brackets inside strings do not count; the text
    /// need not be valid JSON — the decoder judges that afterwards).
    static func exceeds(_ limit: Int, in bytes: UnsafeRawBufferPointer) -> Bool {
        var depth = 0
        var inString = false
        var escaped = false
        for byte in bytes {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                if depth > limit { return true }
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                depth -= 1
            default:
                break
            }
        }
        return false
    }

    /// Refuses a body nested deeper than `maxDepth` with a 400 naming the limit.
    static func check(_ body: ByteBuffer, limit: Int = maxDepth) throws(HubError) {
        let tooDeep = body.withUnsafeReadableBytes { exceeds(limit, in: $0) }
        if tooDeep {
            throw HubError(.malformedJSON, "the body nests arrays and objects deeper than \(limit) levels")
        }
    }
}
