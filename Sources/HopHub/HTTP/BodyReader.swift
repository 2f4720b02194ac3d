import HopHubCore
import HopHubSQLite
import CompressNIO
import Foundation
import HopProtocol
import Hummingbird
import NIOCore

/// Reads a JSON request body within limits: content type, optional gzip, size before and after
/// decompression, nesting depth (`JSONNesting`, also measured by `decode`). Every refusal is a `HubError` with the right 4xx.
struct BodyReader {
    var maxBytes: Int
    var maxDecompressedBytes: Int
    /// Whether `read` measures the nesting. A caller that decodes with the fast scanner (which
    /// gives up past its own depth limit) and falls back to `decode` (which measures it) skips
    /// the extra pass over the body.
    var checksNesting = true

    func read(_ request: Request) async throws -> ByteBuffer {
        if let type = request.headers[.contentType]?.lowercased() {
            let media = type.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
            guard media == "application/json" || media.hasSuffix("+json") || media == "text/json" else {
                throw HubError(.unsupportedMediaType, "Content-Type '\(media)' is not supported: send application/json")
            }
        }
        let encoding = request.headers[.contentEncoding]?.lowercased().trimmingCharacters(in: .whitespaces) ?? "identity"
        guard ["identity", "gzip", "x-gzip"].contains(encoding) else {
            throw HubError(.unsupportedMediaType, "Content-Encoding '\(encoding)' is not supported: use gzip or none")
        }
        if let length = request.headers[.contentLength].flatMap(Int.init), length > maxBytes {
            throw HubError(.payloadTooLarge, "body of \(length) bytes exceeds the limit of \(maxBytes) bytes")
        }
        var body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: maxBytes)
        } catch is NIOTooManyBytesError {
            throw HubError(.payloadTooLarge, "body exceeds the limit of \(maxBytes) bytes")
        }
        if encoding != "identity" { body = try Self.gunzip(&body, limit: maxDecompressedBytes) }
        if checksNesting { try JSONNesting.check(body) }
        return body
    }

    /// Inflates a gzip body chunk by chunk, counting exactly: a body that expands beyond `limit` is
    /// refused as soon as it does (CompressNIO's `decompress(maxSize:)` only bounds its buffer
    /// growth, and a body a little over the limit could get through or come back cut short).
    static func gunzip(_ body: inout ByteBuffer, limit: Int) throws(HubError) -> ByteBuffer {
        let invalid = HubError(.malformedJSON, "Content-Encoding is gzip but the body is not valid gzip data")
        let decompressor = CompressionAlgorithm.gzip().decompressor
        do { try decompressor.startStream() } catch { throw invalid }
        defer { try? decompressor.finishStream() }
        var output = ByteBuffer()
        output.reserveCapacity(min(limit, body.readableBytes * 8))
        var more = true
        while more {
            var chunk = ByteBuffer()
            chunk.reserveCapacity(64 * 1024)
            do {
                try decompressor.streamInflate(from: &body, to: &chunk)
                more = false  // the stream ended, or the input did (a cut-off body then fails as JSON)
            } catch let error as CompressNIOError where error == .bufferOverflow {
                more = true  // the chunk is full: go on
            } catch let error as CompressNIOError where error == .inputBufferOverflow {
                more = false
            } catch {
                throw invalid
            }
            guard output.readableBytes + chunk.readableBytes <= limit else {
                throw HubError(.payloadTooLarge, "gzip body expands beyond the limit of \(limit) bytes")
            }
            output.writeBuffer(&chunk)
        }
        return output
    }

    /// Decodes JSON, mapping decoder errors to 400 (not JSON) or 422 (wrong shape, with the field).
    static func decode<T: Decodable>(_ type: T.Type, from buffer: ByteBuffer) throws -> T {
        guard buffer.readableBytes > 0 else { throw HubError(.malformedJSON, "the request body is empty: send a JSON object") }
        try JSONNesting.check(buffer)
        let data = Data(buffer.readableBytesView)
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let DecodingError.dataCorrupted(context) where context.codingPath.isEmpty {
            // Also what the decoder says about valid JSON with a number that does not fit an integer field.
            throw UnfitNumberDiagnosis.diagnose(T.self, data: data)
                ?? HubError(.malformedJSON, "the body is not valid JSON: \(context.debugDescription)")
        } catch let error as DecodingError {
            throw Self.describe(error)
        }
    }

    /// A coding path as the API names fields: `telemetry[3].frequency_hz`.
    static func fieldPath(_ codingPath: [any CodingKey]) -> String {
        var text = ""
        for key in codingPath {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return text
    }

    static func describe(_ error: DecodingError) -> HubError {
        let path = fieldPath
        switch error {
        case .keyNotFound(let key, let context):
            let field = path(context.codingPath + [key])
            return HubError(.validationFailed, "required field '\(field)' is missing", field: field)
        case .typeMismatch(let type, let context):
            let field = path(context.codingPath)
            if field.isEmpty {
                return HubError(.validationFailed, "the body must be a JSON object, not \(Self.name(of: type) == "an object" ? "another value" : "that value")")
            }
            return HubError(.validationFailed, "'\(field)' has the wrong type (expected \(Self.name(of: type)))", field: field)
        case .valueNotFound(let type, let context):
            let field = path(context.codingPath)
            return HubError(.validationFailed, "'\(field)' must not be null (expected \(Self.name(of: type)))", field: field)
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty {
                return HubError(.malformedJSON, "the body is not valid JSON: \(context.debugDescription)")
            }
            let field = path(context.codingPath)
            return HubError(.validationFailed, "'\(field)': \(context.debugDescription)", field: field)
        @unknown default:
            return HubError(.malformedJSON, "the body could not be decoded")
        }
    }

    static func name(of type: Any.Type) -> String {
        switch type {
        case is Double.Type, is Int.Type, is Int64.Type: return "a number"
        case is String.Type: return "a string"
        case is Bool.Type: return "true or false"
        case is [Any].Type: return "an array"
        default:
            let text = String(describing: type)
            return text.hasPrefix("Array") ? "an array" : text.hasPrefix("Dictionary") ? "an object" : text
        }
    }
}

