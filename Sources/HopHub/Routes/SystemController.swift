import HopHubCore
import HopHubSQLite
import Prometheus
import Foundation
import HTTPTypes
import HopProtocol
import Hummingbird
import NIOCore

/// `GET /api/health` (no key needed, so load balancers can probe it), `GET /api/openapi.json` and
/// `GET /metrics` (Prometheus text; keep it on loopback or behind the proxy's allow-list).
struct SystemController {
    let store: any MaintenanceStore
    let metrics: HubMetrics
    /// The OpenAPI document, read from the bundle once when the routes are built.
    let openAPIDocument: ByteBuffer?

    init(store: any MaintenanceStore, metrics: HubMetrics, openAPI: Data?) {
        self.store = store
        self.metrics = metrics
        openAPIDocument = openAPI.map { ByteBuffer(bytes: $0) }
    }

    /// The bundled OpenAPI document (nil when the resource is missing from the build).
    static func bundledOpenAPI() -> Data? {
        Bundle.module.url(forResource: "openapi", withExtension: "json").flatMap { try? Data(contentsOf: $0) }
    }

    func addRoutes(to router: Router<HubRequestContext>) {
        router.get("api/health", use: health)
        router.get("api/openapi.json", use: openAPI)
        router.get("metrics", use: prometheus)
    }

    @Sendable func health(_ request: Request, context: HubRequestContext) async throws -> Response {
        var database = "ok"
        do { try await store.ping() } catch { database = "unavailable" }
        let status = HealthStatus(
            status: database == "ok" ? "ok" : "degraded", version: HubVersion.current, time: .now(), database: database)
        let body = try JSONEncoder().encode(status)
        return Response(
            status: database == "ok" ? .ok : .serviceUnavailable, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    @Sendable func openAPI(_ request: Request, context: HubRequestContext) async throws -> Response {
        guard let document = openAPIDocument else {
            throw HubError(.internalError, "openapi.json is missing from the hub's resources")
        }
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: document))
    }

    @Sendable func prometheus(_ request: Request, context: HubRequestContext) async throws -> Response {
        if let size = try? await store.databaseSizeBytes() { metrics.databaseSizeBytes.set(size) }
        var buffer: [UInt8] = []
        metrics.registry.emit(into: &buffer)
        return Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: buffer)))
    }
}
