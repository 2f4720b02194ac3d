import HopProtocol

/// Every refusal the hub's domain makes — a bad field, a missing right, a conflict, a full queue:
/// an `APIErrorCode` (which fixes the HTTP status), a sentence a human can act on, the offending
/// field and, for 429/503, when to retry. The HTTP layer turns it into a response in one place
/// (`HubError+HTTP.swift`); the CLI prints its message as it is.
public struct HubError: Error, Sendable, Hashable, CustomStringConvertible {
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

    public var description: String { "\(code.rawValue): \(message)" + (field.map { " (\($0))" } ?? "") }

    /// A record refused by the validator: 422 naming the field.
    public static func validation(_ failure: ValidationFailure) -> HubError {
        HubError(.validationFailed, failure.message, field: failure.field)
    }
}
