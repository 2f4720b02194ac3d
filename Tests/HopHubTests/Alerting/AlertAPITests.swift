import Foundation
import HTTPTypes
import HopProtocol
import HummingbirdTesting
import HopTestSupport
import Testing

@testable import HopHub
@testable import HopHubCore
@testable import HopHubSQLite

/// A trip ingested over HTTP is decided before the 2xx; `/api/query/alerts` honours the key's scope.
@Suite struct AlertAPITests {
    @Test(arguments: StoreContractTests.Backend.allCases)
    func tripIsDecidedOnIngestAndServedByScope(_ backend: StoreContractTests.Backend) async throws {
        let t = try await TestHub.make(backend) { $0.alerting.recipients = ["ops@example.com"] }
        try await t.live { client in
            let trip = #"{"substation_id":"SUB002","feeder_id":"FDR002","severity":"ALARM","event_type":"FEEDER_TRIP"}"#
            #expect(try await client.post("/api/ingest/event", key: t.allKey, body: trip).status == .ok)
            let mine = #"{"substation_id":"SUB001","feeder_id":"FDR001","severity":"ALARM","event_type":"FEEDER_TRIP"}"#
            #expect(try await client.post("/api/ingest/event", key: t.sub1Key, body: mine).status == .ok)
            // Decided after the commit, off the ingest path: wait for both decisions.
            var all: [AlertLogEntry] = []
            try await waitUntil("both trips to be decided") {
                all = try await client.get("/api/query/alerts", key: t.readKey).decode([AlertLogEntry].self)
                return all.count == 2
            }
            #expect(all.allSatisfy { $0.outcome == "sent" })
            #expect(all.first?.detail == "[Hop] TRIP SUB001 FDR001")
            let scoped = try await client.get("/api/query/alerts", key: t.sub1Key).decode([AlertLogEntry].self)
            #expect(scoped.map(\.substationID) == ["SUB001"])
            #expect(try await client.get("/api/query/alerts?substation_id=SUB002", key: t.sub1Key).status == .forbidden)
            #expect(try await client.get("/api/query/alerts", key: t.ingestKey).status == .forbidden)
        }
    }

    @Test func configurationKeysAreReadAndChecked() throws {
        var values = ConfigValues()
        values.set("data_dir", "/tmp/x", origin: "test")
        values.set("scoring.window", "30", origin: "test")
        values.set("alerts.recipients", "a@example.com, b@example.com", origin: "test")
        values.set("smtp.url", "smtps://127.0.0.1:465", origin: "test")
        values.set("smtp.starttls", "true", origin: "test")
        let c = try HubConfiguration(values: values)
        #expect(c.scoring.window == 30 && c.alerting.recipients == ["a@example.com", "b@example.com"])
        #expect(c.smtp.url == "smtps://127.0.0.1:465" && c.smtp.startTLS)
        values.set("smtp.url", "http://relay", origin: "env X")
        #expect(throws: ConfigError.self) { try HubConfiguration(values: values) }
        values.set("smtp.url", "smtps://user:secret@relay:465", origin: "env X")
        #expect(throws: ConfigError.self) { try HubConfiguration(values: values) }
        values.set("smtp.url", "smtp://relay:25", origin: "env X")
        values.set("alerts.recipients", "not-an-address", origin: "env Y")
        #expect(throws: ConfigError.self) { try HubConfiguration(values: values) }
    }
}
