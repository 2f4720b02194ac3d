import Foundation
import HTTPTypes
import HopProtocol
import Hummingbird
import NIOCore

/// Every API error: an HTTP status derived from its code, a JSON body
/// `{"error": {"code", "message", "field"?}}` and, for 429/503, `Retry-After`.
public struct HubError: HTTPResponseError, Sendable, CustomStringConvertible {
    public var code: APIErrorCode
    public var message: String
    public var field: String?
    public var retryAfterSeconds: Int?
    /// For `method_not_allowed`: the methods the path does answer (the `Allow` header).
    public var allowedMethods: [String]?

    public init(
        _ code: APIErrorCode, _ message: String, field: String? = nil, retryAfterSeconds: Int? = nil,
        allowedMethods: [String]? = nil
    ) {
        self.code = code
        self.message = message
        self.field = field
        self.retryAfterSeconds = retryAfterSeconds
        self.allowedMethods = allowedMethods
    }

    public var status: HTTPResponse.Status { HTTPResponse.Status(code: code.httpStatus) }
    public var description: String { "\(code.rawValue): \(message)" + (field.map { " (\($0))" } ?? "") }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        if let retryAfterSeconds { headers[.retryAfter] = String(retryAfterSeconds) }
        if let allowedMethods { headers[.allow] = allowedMethods.joined(separator: ", ") }
        let body = try JSONEncoder().encode(APIErrorBody(code: code, message: message, field: field))
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    static func validation(_ failure: ValidationFailure) -> HubError {
        HubError(.validationFailed, failure.message, field: failure.field)
    }
}
