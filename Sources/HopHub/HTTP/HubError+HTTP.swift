import Foundation
import HTTPTypes
import HopHubCore
import HopProtocol
import Hummingbird
import NIOCore

/// The one place a domain refusal becomes an HTTP response: the status its code maps to, the JSON
/// body `{"error": {"code", "message", "field"?}}`, and `Retry-After` / `Allow` where they apply.
extension HubError: HTTPResponseError {
    public var status: HTTPResponse.Status { HTTPResponse.Status(code: code.httpStatus) }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        if let retryAfterSeconds { headers[.retryAfter] = String(retryAfterSeconds) }
        if let allowedMethods { headers[.allow] = allowedMethods.joined(separator: ", ") }
        let body = try JSONEncoder().encode(APIErrorBody(code: code, message: message, field: field))
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}
