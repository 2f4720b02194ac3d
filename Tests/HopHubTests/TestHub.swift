import Foundation
import GRDB
import HTTPTypes
import HopProtocol
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore

@testable import HopHub
@testable import HopHubCore
@testable import HopHubSQLite

/// A real hub over a fresh database — an SQLite file in a temporary directory, or a database of
/// the PostgreSQL test cluster — with keys of each kind.
struct TestHub: Sendable {
    let directory: String
    /// The hub's database, for reading it through another store once the hub's own has closed.
    let database: TestDatabase
    let hub: Hub
    /// ingest+read, all substations.
    let allKey: String
    /// ingest+read, SUB001 only.
    let sub1Key: String
    /// read only, all substations.
    let readKey: String
    /// ingest only, all substations.
    let ingestKey: String

    static func make(
        _ backend: StoreContractTests.Backend = .sqlite, _ change: (inout HubConfiguration) -> Void = { _ in }
    ) async throws -> TestHub {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hop-test-\(UUID().uuidString)").path
        var config = HubConfiguration(dataDirectory: dir)
        config.port = 0
        change(&config)
        let hub: Hub
        let database: TestDatabase
        switch backend {
        case .sqlite:
            hub = try Hub(configuration: config, logger: Logger(label: "test"))
            database = TestDatabase(sqlitePath: config.databasePath)
        case .postgres:
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            database = try await TestDatabase.fresh(.postgres)
            hub = Hub(configuration: config, store: try await database.open(), logger: Logger(label: "test"))
        }
        let admin = APIKeyAdmin(store: hub.store)
        return TestHub(
            directory: dir, database: database, hub: hub,
            allKey: try await admin.create(name: "all", scopes: [.ingest, .read], substations: .all),
            sub1Key: try await admin.create(name: "sub1", scopes: [.ingest, .read], substations: .only(["SUB001"])),
            readKey: try await admin.create(name: "reader", scopes: [.read], substations: .all),
            ingestKey: try await admin.create(name: "ingester", scopes: [.ingest], substations: .all))
    }

    /// Runs `body` against the hub listening on a real loopback socket.
    func live(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let app = hub.buildApplication(logger: Logger(label: "test"))
        try await app.test(.live) { client in try await body(client) }
    }

    func count(_ table: String) async throws -> Int {
        // A fresh connection: the hub's own is closed once its application has shut down.
        guard database.backend == .sqlite else {
            let store = try await database.open()
            let count = try await StoreTestData.count(store, "SELECT count(*) FROM \(table)")
            try await store.close()
            return count
        }
        let queue = try DatabaseQueue(path: hub.configuration.databasePath)
        return try await queue.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table)") ?? 0 }
    }

    /// Rows in every table that ingest writes to, so "stored nothing" can be asserted at once.
    func storedRows() async throws -> Int {
        var total = 0
        for table in ["telemetry", "telemetry_1m", "telemetry_latest", "substations", "events", "outages", "edges"] {
            total += try await count(table)
        }
        return total
    }
}

extension TestClientProtocol {
    func post(_ path: String, key: String?, body: String, headers extra: HTTPFields = [:]) async throws -> TestResponse {
        try await post(path, key: key, bytes: ByteBuffer(string: body), headers: extra)
    }

    func post(_ path: String, key: String?, bytes: ByteBuffer, headers extra: HTTPFields = [:]) async throws -> TestResponse {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let key { headers[HTTPField.Name("X-API-Key")!] = key }
        for field in extra { headers[field.name] = field.value }
        return try await execute(uri: path, method: .post, headers: headers, body: bytes)
    }

    func get(_ path: String, key: String?) async throws -> TestResponse {
        var headers: HTTPFields = [:]
        if let key { headers[HTTPField.Name("X-API-Key")!] = key }
        return try await execute(uri: path, method: .get, headers: headers)
    }
}

extension TestResponse {
    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(body.readableBytesView))
    }

    var errorBody: APIErrorBody? { try? decode(APIErrorBody.self) }
    var text: String { String(buffer: body) }
}

enum Fixtures {
    static let seedExample = """
        { "substation_id": "SUB001", "feeder_id": "FDR002", "device_id": "SUB001-FDR002", "site_name": "Portland North", "latitude": 45.5231, "longitude": -122.6765, "voltage_kv": 229.8, "current_a": 1187.4, "power_mw": 274.2, "frequency_hz": 60.002 }
        """

    static func batchJSON(edge: String = "edge-1", seq: Int64, readings: Int, substation: String = "SUB001", startMs: Int64? = nil) -> String {
        let start = startMs ?? (SourceTime.now().epochMilliseconds - Int64(readings) * 1000)
        let telemetry = (0..<readings).map { i in
            """
            {"substation_id":"\(substation)","feeder_id":"FDR00\(i % 3 + 1)","voltage_kv":230.\(i % 10),"current_a":1000,"power_mw":300,"frequency_hz":60.0\(i % 10),"ts":\(start + Int64(i) * 1000)}
            """
        }.joined(separator: ",")
        return #"{"edge_id":"\#(edge)","seq":\#(seq),"telemetry":[\#(telemetry)],"health":{"journal_depth":5,"oldest_unsent_age_s":2.5,"evicted_total":0,"quarantined_total":0,"devices":[{"name":"rtu","substation_id":"\#(substation)","comm_state":"ok","last_poll_latency_ms":8.5}]}}"#
    }
}

extension Hub {
    /// The hub's store as the SQLite store `TestHub` opens by default, for tests that read its tables.
    var sqlite: SQLiteStore { store as! SQLiteStore }
}
