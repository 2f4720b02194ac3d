import Foundation
import HTTPTypes
import HopProtocol
import HummingbirdTesting
import NIOCore
import Testing

@testable import HopHub
@testable import HopHubCore
@testable import HopHubSQLite

/// `/api/portal/config`, map layers (admin upload/delete, audited), page routes and security headers.
@Suite struct PortalAPITests {
    static let layer = #"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"North"},"geometry":{"type":"Polygon","coordinates":[[[-122.7,45.5],[-122.6,45.5],[-122.6,45.6],[-122.7,45.5]]]}}]}"#

    static func adminKey(_ t: TestHub) async throws -> String {
        try await APIKeyAdmin(store: t.hub.sqlite).create(name: "layer-admin", scopes: [.admin, .read], substations: .all)
    }

    @Test func configCarriesFrequencyBandMapAndStaleness() async throws {
        let t = try await TestHub.make {
            $0.frequency.bandLowHz = 59.9
            $0.portal.tileURL = ""
            $0.portal.staleAfterSeconds = 45
        }
        try await t.live { client in
            let response = try await client.get("/api/portal/config", key: t.readKey)
            #expect(response.status == .ok, "\(response.text)")
            let body = try #require(try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any])
            let frequency = try #require(body["frequency"] as? [String: Any])
            #expect(frequency["band_low_hz"] as? Double == 59.9)
            #expect(frequency["nominal_hz"] as? Double == 60)
            let map = try #require(body["map"] as? [String: Any])
            #expect(map["tile_url"] as? String == "")
            #expect(map["layers"] as? [String] == [])
            #expect(body["stale_after_s"] as? Int == 45)
            #expect(body["version"] as? String == HubVersion.current)
            #expect(try await client.get("/api/portal/config", key: nil).status == .unauthorized)
            #expect(try await client.get("/api/portal/config", key: t.ingestKey).status == .forbidden)
        }
    }

    @Test func adminsUploadAndDeleteLayersEveryoneWithReadFetchesThem() async throws {
        let t = try await TestHub.make { $0.portal.layerMaxBytes = 4096 }
        let admin = try await Self.adminKey(t)
        try await t.live { client in
            // Not an admin: refused, nothing stored.
            let refused = try await client.execute(uri: "/api/admin/layers/territory", method: .put, headers: Self.headers(t.allKey), body: ByteBuffer(string: Self.layer))
            #expect(refused.status == .forbidden)
            let put = try await client.execute(uri: "/api/admin/layers/territory", method: .put, headers: Self.headers(admin), body: ByteBuffer(string: Self.layer))
            #expect(put.status == .ok, "\(put.text)")
            #expect(put.text.contains("\"features\":1"))
            let got = try await client.get("/api/portal/layers/territory", key: t.sub1Key)
            #expect(got.status == .ok)
            #expect(got.headers[.contentType] == "application/geo+json")
            #expect(got.text == Self.layer)
            let config = try await client.get("/api/portal/config", key: t.readKey)
            #expect(config.text.contains(#""layers":["territory"]"#), "\(config.text)")

            // Bad names, bad GeoJSON, too large.
            for name in ["Upper", "a_b", String(repeating: "a", count: 41), "..%2Fetc"] {
                let r = try await client.execute(uri: "/api/admin/layers/\(name)", method: .put, headers: Self.headers(admin), body: ByteBuffer(string: Self.layer))
                #expect(r.status == .badRequest, "\(name): \(r.text)")
            }
            let notCollection = try await client.execute(uri: "/api/admin/layers/x", method: .put, headers: Self.headers(admin), body: ByteBuffer(string: #"{"type":"Feature"}"#))
            #expect(notCollection.status == .unprocessableContent)
            let notJSON = try await client.execute(uri: "/api/admin/layers/x", method: .put, headers: Self.headers(admin), body: ByteBuffer(string: "{nope"))
            #expect(notJSON.status == .badRequest)
            #expect(notJSON.errorBody?.error.code == .malformedJSON)
            let badCoordinates = try await client.execute(
                uri: "/api/admin/layers/x", method: .put, headers: Self.headers(admin),
                body: ByteBuffer(string: #"{"type":"FeatureCollection","features":[{"type":"Feature","properties":null,"geometry":{"type":"Point","coordinates":[500,1]}}]}"#))
            #expect(badCoordinates.status == .unprocessableContent)
            #expect(badCoordinates.errorBody?.error.field == "features[0].geometry.coordinates")
            let big = #"{"type":"FeatureCollection","features":[],"pad":""# + String(repeating: "x", count: 5000) + #""}"#
            let tooBig = try await client.execute(uri: "/api/admin/layers/x", method: .put, headers: Self.headers(admin), body: ByteBuffer(string: big))
            #expect(tooBig.status == .contentTooLarge)
            #expect(try await client.get("/api/portal/layers/x", key: t.readKey).status == .notFound)

            let deleted = try await client.execute(uri: "/api/admin/layers/territory", method: .delete, headers: Self.headers(admin))
            #expect(deleted.status == .ok)
            #expect(try await client.get("/api/portal/layers/territory", key: t.readKey).status == .notFound)
            let again = try await client.execute(uri: "/api/admin/layers/territory", method: .delete, headers: Self.headers(admin))
            #expect(again.status == .notFound)
            let audit = try await t.hub.sqlite.auditEntries(AuditFilter(actor: "key:layer-admin")).reversed()
                .map { "\($0.action.rawValue) \($0.target ?? "-") \($0.outcome.rawValue)" }
            #expect(audit.first == "map.layer_upload territory success")
            #expect(audit.contains("map.layer_upload x failure"))
            #expect(audit.last == "map.layer_delete territory success")
        }
    }

    @Test func pagesRedirectAndCarrySecurityHeaders() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("portal-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory + "/app", withIntermediateDirectories: true)
        try "<!doctype html><title>login</title>".write(toFile: directory + "/login.html", atomically: true, encoding: .utf8)
        try "<!doctype html><title>portal</title>".write(toFile: directory + "/index.html", atomically: true, encoding: .utf8)
        try "export const x = 1;".write(toFile: directory + "/app/x.js", atomically: true, encoding: .utf8)
        let t = try await TestHub.make {
            $0.portal.directory = directory
            $0.portal.tileURL = "https://{s}.tile.example.org/{z}/{x}/{y}.png"
        }
        try await t.live { client in
            let root = try await client.get("/", key: nil)
            #expect(root.status == .found)
            #expect(root.headers[.location] == "/portal/")
            for (path, type) in [("/login", "text/html"), ("/portal/", "text/html"), ("/portal/app/x.js", "text/javascript")] {
                let r = try await client.get(path, key: nil)
                #expect(r.status == .ok, "\(path)")
                #expect(r.headers[.contentType]?.hasPrefix(type) == true, "\(path): \(r.headers[.contentType] ?? "-")")
                let csp = r.headers[.contentSecurityPolicy] ?? ""
                #expect(csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"), "\(path): \(csp)")
                #expect(csp.contains("img-src 'self' data: https://*.tile.example.org"), "\(csp)")
                #expect(r.headers[.xContentTypeOptions] == "nosniff")
                #expect(r.headers[HTTPField.Name("X-Frame-Options")!] == "DENY")
                #expect(r.headers[HTTPField.Name("Referrer-Policy")!] == "no-referrer")
            }
            // The admin page is not installed here: a JSON 404, not a crash or a directory listing.
            let admin = try await client.get("/admin", key: nil)
            #expect(admin.status == .notFound)
            #expect(admin.errorBody?.error.code == .notFound)
        }
    }

    @Test func tileHostsBecomeCSPSources() {
        #expect(SecurityHeadersMiddleware.tileSource("https://tile.openstreetmap.org/{z}/{x}/{y}.png") == "https://tile.openstreetmap.org")
        #expect(SecurityHeadersMiddleware.tileSource("https://{s}.tiles.example.com:8443/{z}/{x}/{y}.png") == "https://*.tiles.example.com:8443")
        #expect(SecurityHeadersMiddleware.tileSource("/tiles/{z}/{x}/{y}.png") == nil)
        #expect(SecurityHeadersMiddleware.tileSource("") == nil)
        #expect(SecurityHeadersMiddleware.tileSource("https://evil.org; script-src *") == nil)
    }

    static func headers(_ key: String) -> HTTPFields {
        [.contentType: "application/geo+json", HTTPField.Name("X-API-Key")!: key]
    }
}
