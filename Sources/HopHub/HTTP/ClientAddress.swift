import HopHubCore
import HopHubSQLite
import Foundation
import HTTPTypes
import Hummingbird

/// The client's address and scheme as the hub should believe them: the TCP peer, unless the peer is
/// a trusted proxy (`http.trusted_proxies`), in which case the right-most `X-Forwarded-For` entry
/// that is not itself a trusted proxy, and `X-Forwarded-Proto`.
public struct ClientAddress: Sendable {
    public let trustedProxies: Set<String>

    public init(trustedProxies: Set<String>) {
        self.trustedProxies = trustedProxies
    }

    static let forwardedFor = HTTPField.Name("X-Forwarded-For")!
    static let forwardedProto = HTTPField.Name("X-Forwarded-Proto")!

    /// The address to audit and throttle by.
    public func address(_ request: Request, peer: String?) -> String? {
        guard let peer, trustedProxies.contains(peer), let header = request.headers[Self.forwardedFor] else { return peer }
        let hops = header.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return hops.last(where: { !trustedProxies.contains($0) }) ?? hops.first ?? peer
    }

    /// Whether the browser reached us over HTTPS (the hub itself speaks plain HTTP behind a proxy).
    public func isSecure(_ request: Request, peer: String?) -> Bool {
        guard let peer, trustedProxies.contains(peer), let proto = request.headers[Self.forwardedProto] else {
            return false
        }
        return proto.split(separator: ",").first?.trimmingCharacters(in: .whitespaces).lowercased() == "https"
    }
}
