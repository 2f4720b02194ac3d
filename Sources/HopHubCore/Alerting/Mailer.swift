/// Delivers one message to its recipients. Implementations: `CurlSMTPMailer` (SMTP via libcurl)
/// and test doubles.
public protocol Mailer: Sendable {
    func send(_ message: OutboxMessage) async throws(MailError)
}

/// A failed delivery attempt, with the relay and libcurl's explanation (never the password).
public struct MailError: Error, Sendable, CustomStringConvertible {
    public var relay: String
    public var message: String

    public init(relay: String, message: String) {
        self.relay = relay
        self.message = message
    }

    public var description: String { "mail to relay \(relay) failed: \(message)" }
}
