import Foundation
import HTTPTypes
import HopProtocol
import HummingbirdTesting
import NIOCore

@testable import HopHub
@testable import HopHubCore
@testable import HopHubSQLite

extension TestHub {
    /// Creates an admin-scoped key (`admin`, read+admin, all substations) and returns its text.
    func makeAdminKey(name: String = "admin") async throws -> String {
        try await APIKeyAdmin(store: hub.store).create(name: name, scopes: [.admin, .read], substations: .all)
    }

    /// The database through a fresh connection: the hub's own is closed once its application has shut down.
    func reopened() throws -> SQLiteStore {
        try SQLiteStore(path: hub.configuration.databasePath)
    }

    /// The database through a fresh store on either backend (the hub's own closes with its application).
    func reopenedStore() async throws -> any HubBackend {
        try await database.open()
    }

    /// Audit rows written by `actor`, oldest first (read through a fresh store).
    func auditRows(actor: String) async throws -> [AuditEntry] {
        let store = try await reopenedStore()
        let rows = try await store.auditEntries(AuditFilter(actor: actor)).reversed()
        try await store.close()
        return Array(rows)
    }
}

extension TestClientProtocol {
    /// Any method with an optional key, JSON body and extra headers.
    func send(
        _ method: HTTPRequest.Method, _ path: String, key: String?, json: String? = nil, headers extra: HTTPFields = [:]
    ) async throws -> TestResponse {
        var headers: HTTPFields = [:]
        if json != nil { headers[.contentType] = "application/json" }
        if let key { headers[HTTPField.Name("X-API-Key")!] = key }
        for field in extra { headers[field.name] = field.value }
        return try await execute(uri: path, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) })
    }
}

extension TestResponse {
    /// The body as a JSON object (or nil).
    var object: [String: Any]? { try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any] }
    /// The body as a JSON array of objects (or nil).
    var objects: [[String: Any]]? {
        try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [[String: Any]]
    }
}
