/// The body of every error the hub returns: `{"error": {"code", "message", "field"?}}`.
public struct APIErrorBody: Codable, Hashable, Sendable {
    public var error: APIErrorDetail

    public init(code: APIErrorCode, message: String, field: String? = nil) {
        self.error = APIErrorDetail(code: code, message: message, field: field)
    }
}

public struct APIErrorDetail: Codable, Hashable, Sendable {
    public var code: APIErrorCode
    /// A sentence a human can act on.
    public var message: String
    /// The offending field as a path, e.g. `telemetry[3].frequency_hz`.
    public var field: String?
}

/// Machine-readable error codes. Each maps to exactly one HTTP status (see `httpStatus`).
public enum APIErrorCode: String, Codable, Hashable, Sendable, CaseIterable {
    /// 400: the body is not JSON, or not JSON of the documented shape.
    case malformedJSON = "malformed_json"
    /// 400: the HTTP request itself is malformed (a bad chunked body, a missing or repeated `Host`).
    case malformedRequest = "malformed_request"
    /// 400: a query parameter is missing or invalid.
    case invalidParameter = "invalid_parameter"
    /// 401: no `X-API-Key` header, or the key is unknown or revoked.
    case unauthenticated
    /// 403: the key (or user) may not act on this substation or lacks the scope.
    case forbidden
    /// 404: no such route or resource.
    case notFound = "not_found"
    /// 405: the route exists but not with this method.
    case methodNotAllowed = "method_not_allowed"
    /// 409: the request conflicts with stored state.
    case conflict
    /// 413: the body (or the decompressed body) exceeds the documented size limit. (Too many records
    /// in a batch is a 422 on the `telemetry` field.)
    case payloadTooLarge = "payload_too_large"
    /// 415: content type or content encoding not supported.
    case unsupportedMediaType = "unsupported_media_type"
    /// 422: well-formed JSON with a missing, mistyped or impossible value.
    case validationFailed = "validation_failed"
    /// 429: this client sends faster than allowed.
    case rateLimited = "rate_limited"
    /// 503: the writer is saturated or the hub is shutting down; retry after `Retry-After`.
    case unavailable
    /// 500: a bug or an I/O failure on the hub; nothing was stored.
    case internalError = "internal_error"

    public var httpStatus: Int {
        switch self {
        case .malformedJSON, .malformedRequest, .invalidParameter: 400
        case .unauthenticated: 401
        case .forbidden: 403
        case .notFound: 404
        case .methodNotAllowed: 405
        case .conflict: 409
        case .payloadTooLarge: 413
        case .unsupportedMediaType: 415
        case .validationFailed: 422
        case .rateLimited: 429
        case .unavailable: 503
        case .internalError: 500
        }
    }
}
