import Crypto
import Foundation

/// Makes and checks API keys of the form `hop_<id>_<secret>`: `id` (12 chars) finds the record,
/// `secret` (32 base-62 chars, ~190 bits) is verified against its SHA-256 digest. Keys are high
/// entropy, so a fast hash is the right tool (bcrypt is for low-entropy passwords).
public enum APIKeyGenerator {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")

    public static func random(_ count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<count).map { _ in alphabet[Int(generator.next(upperBound: UInt64(alphabet.count)))] })
    }

    /// A new key: the text to hand out once, its id and the digest to store.
    public static func make() -> (key: String, id: String, secretHash: String) {
        let id = random(12)
        let secret = random(32)
        return ("hop_\(id)_\(secret)", id, digest(secret))
    }

    public static func digest(_ secret: String) -> String {
        SHA256.hash(data: Data(secret.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// Splits a presented key into (id, secret); nil when it is not shaped like one of ours.
    public static func parse(_ key: String) -> (id: String, secret: String)? {
        let parts = key.split(separator: "_", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "hop", parts[1].count == 12, parts[2].count == 32 else { return nil }
        return (String(parts[1]), String(parts[2]))
    }

    /// Constant-time comparison of a presented secret with a stored digest.
    public static func matches(_ secret: String, digest stored: String) -> Bool {
        constantTimeEqual(digest(secret), stored)
    }

    /// String equality whose time depends only on the lengths (digests, CSRF tokens).
    public static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var diff: UInt8 = 0
        for i in 0..<x.count { diff |= x[i] ^ y[i] }
        return diff == 0
    }
}
