import Foundation
import HTTPTypes
import HopProtocol
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Synchronization
import Testing

@testable import HopHub
@testable import HopHubCore

/// A database out of reach is a 503 with `Retry-After` in the hub's JSON error shape, never a 500:
/// refused before the route runs while the store knows it is down, and mapped from whatever error
/// the store classifies as a lost connection; any other error stays a 500.
@Suite struct StoreUnavailableHTTPTests {
    struct LostConnection: Error {}
    struct QueryBug: Error {}

    final class FakeAvailability: StoreAvailability {
        let down = Mutex<StoreUnavailable?>(nil)
        var unavailable: StoreUnavailable? { down.withLock { $0 } }
        func unavailability(of error: any Error) -> StoreUnavailable? {
            error is LostConnection ? StoreUnavailable(store: "postgres://hop@db1:5432/hop", reason: "connection reset") : nil
        }
    }

    /// How often the route ran.
    final class Runs: Sendable {
        let count = Mutex(0)
    }

    static func router(_ availability: FakeAvailability, ran: Runs, throwing error: (any Error)?) -> Router<HubRequestContext> {
        let router = Router(context: HubRequestContext.self)
        router.add(
            middleware: ErrorAndMetricsMiddleware(
                metrics: HubMetrics(), retryAfterSeconds: 3, allowed: AllowedMethods(openAPI: nil, pages: []),
                availability: availability))
        let api = router.group("api").add(middleware: StoreAvailabilityMiddleware(availability: availability))
        api.get("thing") { _, _ -> String in
            ran.count.withLock { $0 += 1 }
            if let error { throw error }
            return "ok"
        }
        return router
    }

    static func expectUnavailable(_ response: TestResponse) throws {
        #expect(response.status == .serviceUnavailable)
        #expect(response.headers[.retryAfter] == "3")
        #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
        let body = try JSONDecoder().decode(APIErrorBody.self, from: Data(response.body.readableBytesView))
        #expect(body.error.code == .unavailable)
        #expect(!body.error.message.contains("db1"), "the database's address is not told to clients")
    }

    @Test func requestsAreRefusedWithoutRunningWhileTheStoreIsDown() async throws {
        let availability = FakeAvailability()
        availability.down.withLock { $0 = StoreUnavailable(store: "postgres://hop@db1:5432/hop", reason: "no primary") }
        let ran = Runs()
        try await Application(router: Self.router(availability, ran: ran, throwing: nil)).test(.router) { client in
            try await client.execute(uri: "/api/thing", method: .get) { try Self.expectUnavailable($0) }
            availability.down.withLock { $0 = nil }
            try await client.execute(uri: "/api/thing", method: .get) { #expect($0.status == .ok) }
        }
        #expect(ran.count.withLock { $0 } == 1)
    }

    @Test func aLostConnectionDuringTheRequestIsA503() async throws {
        try await Application(router: Self.router(FakeAvailability(), ran: Runs(), throwing: LostConnection())).test(.router) { client in
            try await client.execute(uri: "/api/thing", method: .get) { try Self.expectUnavailable($0) }
        }
    }

    @Test func theDomainErrorItselfIsA503() async throws {
        let error = StoreUnavailable(store: "postgres://hop@db1:5432/hop", operation: "a transaction", reason: "server closed the connection")
        try await Application(router: Self.router(FakeAvailability(), ran: Runs(), throwing: error)).test(.router) { client in
            try await client.execute(uri: "/api/thing", method: .get) { try Self.expectUnavailable($0) }
        }
    }

    @Test func otherErrorsStayA500() async throws {
        try await Application(router: Self.router(FakeAvailability(), ran: Runs(), throwing: QueryBug())).test(.router) { client in
            try await client.execute(uri: "/api/thing", method: .get) { #expect($0.status == .internalServerError) }
        }
    }
}
