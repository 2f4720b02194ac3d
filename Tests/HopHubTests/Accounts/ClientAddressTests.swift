import HTTPTypes
import Hummingbird
import NIOCore
import Testing

@testable import HopHub
@testable import HopHubCore
@testable import HopHubSQLite

/// Which address and scheme the hub believes: forwarded headers only from trusted proxies.
@Suite struct ClientAddressTests {
    let client = ClientAddress(trustedProxies: ["127.0.0.1", "10.0.0.5"])

    func request(_ fields: [String: String]) -> Request {
        var headers = HTTPFields()
        for (name, value) in fields { headers[HTTPField.Name(name)!] = value }
        return Request(
            head: HTTPRequest(method: .post, scheme: "http", authority: "hub.example", path: "/login", headerFields: headers),
            body: .init(buffer: ByteBuffer()))
    }

    @Test func trustedProxyChainYieldsTheRightmostUntrustedHop() {
        let r = request(["X-Forwarded-For": "192.0.2.66, 198.51.100.1, 10.0.0.5", "X-Forwarded-Proto": "https"])
        // 192.0.2.66 was written by the client itself and is not believed.
        #expect(client.address(r, peer: "127.0.0.1") == "198.51.100.1")
        #expect(client.isSecure(r, peer: "127.0.0.1"))
    }

    @Test func untrustedPeersCannotChooseTheirAddressOrScheme() {
        let r = request(["X-Forwarded-For": "198.51.100.1", "X-Forwarded-Proto": "https"])
        #expect(client.address(r, peer: "203.0.113.9") == "203.0.113.9")
        #expect(!client.isSecure(r, peer: "203.0.113.9"))
    }

    @Test func trustedPeerWithoutHeadersIsItself() {
        let r = request([:])
        #expect(client.address(r, peer: "127.0.0.1") == "127.0.0.1")
        #expect(!client.isSecure(r, peer: "127.0.0.1"))
        #expect(client.address(r, peer: nil) == nil)
    }

    @Test func loginOriginMustBeThisHost() throws {
        #expect(throws: Never.self) { try SessionController.checkOrigin(request(["Origin": "https://hub.example"])) }
        #expect(throws: Never.self) { try SessionController.checkOrigin(request(["Origin": "https://HUB.example:8443"])) }
        #expect(throws: Never.self) { try SessionController.checkOrigin(request([:])) }
        #expect(throws: HubError.self) { try SessionController.checkOrigin(request(["Origin": "https://evil.example"])) }
        #expect(throws: HubError.self) { try SessionController.checkOrigin(request(["Origin": "https://hub.example.evil.example"])) }
        #expect(throws: HubError.self) { try SessionController.checkOrigin(request(["Origin": "null"])) }
    }
}
