import Foundation

/// Random session ids and CSRF tokens (256 bits, base64url without padding), and the digest under
/// which a session id is stored.
public enum SessionToken {
    /// 32 bytes from the system's CSPRNG as base64url.
    public static func random() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// Hex SHA-256: what the sessions table stores instead of the id (the same digest as API keys).
    public static func digest(_ id: String) -> String {
        APIKeyGenerator.digest(id)
    }

    /// Constant-time string equality (for CSRF tokens).
    public static func equal(_ a: String, _ b: String) -> Bool {
        APIKeyGenerator.constantTimeEqual(a, b)
    }
}
