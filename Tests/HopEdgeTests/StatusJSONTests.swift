import Foundation
import HopProtocol
import Testing

@testable import HopEdge

/// `hop-edge status --json` against a real journal: snake_case keys like every other JSON the
/// project prints, feeder ids kept as written.
@Suite struct StatusJSONTests {
    @Test func keysAreSnakeCaseAndFeederIDsKeepTheirCase() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.path + "/j.sqlite"
        let journal = try SQLiteJournal(config: JournalConfig(path: path))
        let device = DeviceState(
            name: "rtu-sub001", substationID: "SUB001", commState: "ok", lastPollLatencyMs: 12.5,
            breakers: ["FDR001": true, "FDR002": false])
        try await journal.append([JournalTests.reading(0), JournalTests.reading(1)], state: device)
        let batch = try #require(try await journal.nextBatch(limits: JournalTests.limits, now: .now(), force: true))
        try await journal.recordFailure(batch, error: "HTTP 503", at: .now())

        let text = try JournalStatus.json(try JournalStatus.read(path: path))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(object["agent_running"] as? Bool == false)
        #expect(object["telemetry_rows"] as? Int == 2)
        let inFlight = try #require(object["in_flight"] as? [String: Any])
        #expect(inFlight["attempts"] as? Int == 1)
        #expect(inFlight["last_error"] as? String == "HTTP 503")
        let devices = try #require(object["devices"] as? [[String: Any]])
        #expect(devices.first?["comm_state"] as? String == "ok")
        #expect(devices.first?["substation_id"] as? String == "SUB001")
        #expect(devices.first?["last_poll_latency_ms"] as? Double == 12.5)
        #expect(devices.first?["breakers"] as? [String: Bool] == ["FDR001": true, "FDR002": false])
        let camel = Self.keys(object).filter { $0.contains(where: \.isUppercase) }
        #expect(camel.isEmpty, "camelCase keys: \(camel)")
    }

    /// Every object key in `value`, except the feeder ids keying a `breakers` map.
    static func keys(_ value: Any) -> [String] {
        if let object = value as? [String: Any] {
            return object.flatMap { key, child in [key] + (key == "breakers" ? [] : keys(child)) }
        }
        if let array = value as? [Any] { return array.flatMap(keys) }
        return []
    }

    @Test(arguments: [
        ("agentPID", "agent_pid"), ("lastPollLatencyMs", "last_poll_latency_ms"), ("inFlight", "in_flight"),
        ("substationID", "substation_id"), ("depth", "depth"), ("oldestUnsentAgeSeconds", "oldest_unsent_age_seconds"),
        ("IDValue", "id_value"),
    ])
    func snakeCase(camel: String, snake: String) {
        #expect(JournalStatus.snakeCase(camel) == snake)
    }
}
