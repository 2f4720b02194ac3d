import HopHubCore
import HopHubSQLite
import Foundation
import HTTPTypes
import HopProtocol
import Hummingbird
import NIOCore

/// What the portal needs besides data: `GET /api/portal/config`, map layers
/// (`GET /api/portal/layers/{name}`) and their administration (`PUT`/`DELETE /api/admin/layers/{name}`,
/// admin scope, audited). docs/live.md.
struct PortalController {
    let configuration: HubConfiguration
    let layers: LayerStore
    let audit: any AuditStore

    func addRoutes(portal: RouterGroup<HubRequestContext>, admin: RouterGroup<HubRequestContext>) {
        portal.get("config", use: config)
        portal.get("layers/:name", use: layer)
        admin.put("layers/:name", use: putLayer)
        admin.delete("layers/:name", use: deleteLayer)
    }

    /// `GET /api/portal/config`.
    struct Config: ResponseEncodable {
        struct Frequency: Codable {
            var preset: String
            var nominalHz: Double
            var bandLowHz: Double
            var bandHighHz: Double
            var alarmLowHz: Double
            var alarmHighHz: Double
            var persistenceSeconds: Double
            var uflsWarningHz: Double
            var rocofLimitHzPerS: Double
            enum CodingKeys: String, CodingKey {
                case preset
                case nominalHz = "nominal_hz"
                case bandLowHz = "band_low_hz"
                case bandHighHz = "band_high_hz"
                case alarmLowHz = "alarm_low_hz"
                case alarmHighHz = "alarm_high_hz"
                case persistenceSeconds = "persistence_s"
                case uflsWarningHz = "ufls_warning_hz"
                case rocofLimitHzPerS = "rocof_limit_hz_per_s"
            }

            init(_ f: FrequencySettings) {
                preset = f.preset
                nominalHz = f.nominalHz
                bandLowHz = f.bandLowHz
                bandHighHz = f.bandHighHz
                alarmLowHz = f.alarmLowHz
                alarmHighHz = f.alarmHighHz
                persistenceSeconds = f.persistenceSeconds
                uflsWarningHz = f.uflsWarningHz
                rocofLimitHzPerS = f.rocofLimitHzPerS
            }
        }
        struct Map: Codable {
            var tileURL: String
            var tileAttribution: String
            var layers: [String]
            enum CodingKeys: String, CodingKey {
                case tileURL = "tile_url"
                case tileAttribution = "tile_attribution"
                case layers
            }
        }
        var frequency: Frequency
        var map: Map
        var staleAfterSeconds: Int
        var version: String
        enum CodingKeys: String, CodingKey {
            case frequency, map, version
            case staleAfterSeconds = "stale_after_s"
        }
    }

    /// The answer to a layer upload or deletion.
    struct LayerReceipt: ResponseEncodable {
        var name: String
        var features: Int?
        var bytes: Int?
        var replaced: Bool?
        var deleted: Bool?
    }

    @Sendable func config(_ request: Request, context: HubRequestContext) async throws -> Config {
        try context.requirePrincipal().require(.read)
        let c = configuration
        return Config(
            frequency: .init(c.frequency),
            map: .init(tileURL: c.portal.tileURL, tileAttribution: c.portal.tileAttribution, layers: layers.names()),
            staleAfterSeconds: c.portal.staleAfterSeconds, version: HubVersion.current)
    }

    @Sendable func layer(_ request: Request, context: HubRequestContext) async throws -> Response {
        try context.requirePrincipal().require(.read)
        let name = try Self.name(context)
        guard let data = layers.read(name) else { throw HubError(.notFound, "no map layer named '\(name)'", field: "name") }
        return Response(
            status: .ok, headers: [.contentType: "application/geo+json", .cacheControl: "no-cache"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    @Sendable func putLayer(_ request: Request, context: HubRequestContext) async throws -> LayerReceipt {
        let principal = try context.requirePrincipal()
        try principal.require(.admin)
        let name = try Self.name(context)
        let actor = AuditActor(principal, sourceAddress: context.clientAddress)
        let limit = configuration.portal.layerMaxBytes
        let body: ByteBuffer
        do {
            body = try await BodyReader(maxBytes: limit, maxDecompressedBytes: limit).read(request)
        } catch let error as HubError {
            try await audit.appendAudit(actor.entry(.layerUpload, target: name, outcome: .failure, detail: error.message))
            throw error
        }
        let data = Data(body.readableBytesView)
        let features: Int
        do {
            features = try GeoJSONValidator.validate(data)
        } catch {
            try await audit.appendAudit(actor.entry(.layerUpload, target: name, outcome: .failure, detail: error.description))
            throw HubError(
                error.malformed ? .malformedJSON : .validationFailed, "not a GeoJSON FeatureCollection: \(error.description)",
                field: error.path.isEmpty ? nil : error.path)
        }
        let replaced = try layers.write(name, data)
        try await audit.appendAudit(
            actor.entry(.layerUpload, target: name, detail: "\(features) features, \(data.count) bytes\(replaced ? ", replaced" : "")"))
        return LayerReceipt(name: name, features: features, bytes: data.count, replaced: replaced)
    }

    @Sendable func deleteLayer(_ request: Request, context: HubRequestContext) async throws -> LayerReceipt {
        let principal = try context.requirePrincipal()
        try principal.require(.admin)
        let name = try Self.name(context)
        guard try layers.delete(name) else { throw HubError(.notFound, "no map layer named '\(name)'", field: "name") }
        try await audit.appendAudit(AuditActor(principal, sourceAddress: context.clientAddress).entry(.layerDelete, target: name))
        return LayerReceipt(name: name, deleted: true)
    }

    static func name(_ context: HubRequestContext) throws(HubError) -> String {
        let name = context.parameters.get("name") ?? ""
        guard LayerStore.isValidName(name) else {
            throw HubError(.invalidParameter, "layer name must be 1–40 characters of a-z, 0-9 and '-', got '\(name.prefix(60))'", field: "name")
        }
        return name
    }
}
