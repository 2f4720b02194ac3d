import Foundation
import HopProtocol
import Testing

@testable import HopHub
@testable import HopHubCore
@testable import HopHubSQLite

/// CSV (RFC 4180 + formula guard), the JSON view and query-parameter filters.
@Suite struct AuditFormatTests {
    @Test(arguments: [
        ("plain", "plain"),
        ("", ""),
        ("a,b", "\"a,b\""),
        ("say \"hi\"", "\"say \"\"hi\"\"\""),
        ("two\nlines", "\"two\nlines\""),
        ("cr\r\nlf", "\"cr\r\nlf\""),
        ("=HYPERLINK(\"http://evil\")", "\"'=HYPERLINK(\"\"http://evil\"\")\""),
        ("+1+2", "'+1+2"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTAB", "'\tTAB"),
        ("a=b", "a=b"),
        ("user+tag@x.org", "user+tag@x.org"),
    ])
    func cellsAreQuotedAndGuarded(raw: String, expected: String) {
        #expect(AuditCSV.cell(raw) == expected)
    }

    /// The OpenAPI document's audit `action` enum lists every action the hub audits (a client
    /// validating answers against it would otherwise refuse a real audit row).
    @Test func openAPIListsEveryAuditAction() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../../Sources/HopHub/Resources/openapi.json").standardized
        let spec = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        var enums: [[String]] = []
        func walk(_ value: Any) {
            if let object = value as? [String: Any] {
                if let values = object["enum"] as? [String], values.contains("admin.denied") { enums.append(values) }
                object.values.forEach(walk)
            } else if let array = value as? [Any] {
                array.forEach(walk)
            }
        }
        walk(spec)
        #expect(!enums.isEmpty)
        for listed in enums {
            #expect(Set(listed) == Set(AuditAction.allCases.map(\.rawValue)))
        }
    }

    @Test func documentHasHeaderAndOneCRLFLinePerEntry() {
        let entries = [
            AuditEntry(
                id: 7, at: 1_764_180_000_123, actor: "=cmd|' /C calc'!A0", action: .login, sourceAddress: "10.1.2.3",
                outcome: .failure, detail: "wrong password, try \"again\""),
            AuditEntry(id: 8, at: 1_764_180_001_000, actor: "cli", action: .keyCreate, target: "edge-1"),
        ]
        let text = AuditCSV.document(entries)
        let lines = text.components(separatedBy: "\r\n")
        #expect(lines.count == 4)  // header, two rows, the empty tail after the final CRLF
        #expect(lines[0] == "id,at,actor,action,target,source_address,outcome,detail")
        #expect(
            lines[1]
                == "7,2025-11-26T18:00:00.123Z,'=cmd|' /C calc'!A0,login,,10.1.2.3,failure,\"wrong password, try \"\"again\"\"\"")
        #expect(lines[2] == "8,2025-11-26T18:00:01.000Z,cli,key.create,edge-1,,success,")
        #expect(lines[3] == "")
    }

    @Test func jsonViewHasEveryKeyAndRFC3339Time() throws {
        let view = AuditEntryView(AuditEntry(id: 3, at: 1_764_180_000_123, actor: "cli", action: .keyRevoke))
        let object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(view)) as? [String: Any]
        let json = try #require(object)
        #expect(Set(json.keys) == ["id", "at", "at_ms", "actor", "action", "target", "source_address", "outcome", "detail"])
        #expect(json["at"] as? String == "2025-11-26T18:00:00.123Z")
        #expect((json["at_ms"] as? NSNumber)?.int64Value == 1_764_180_000_123)
        #expect(json["target"] is NSNull)
        #expect(json["action"] as? String == "key.revoke")
    }

    @Test func parametersBuildTheFilter() throws {
        let filter = try AuditFilter(parameters: [
            "actor": "a@x.org", "action": "user.update", "target": "b@x.org", "outcome": "denied",
            "since": "2026-11-26T18:00:00Z", "until": "2026-11-26T20:00:00+01:00", "limit": "10000",
            "before_id": "42",
        ])
        #expect(filter.actor == "a@x.org")
        #expect(filter.action == .userUpdate)
        #expect(filter.target == "b@x.org")
        #expect(filter.outcome == .denied)
        #expect(filter.since == SourceTime(rfc3339: "2026-11-26T18:00:00Z")?.epochMilliseconds)
        #expect(filter.until == SourceTime(rfc3339: "2026-11-26T19:00:00Z")?.epochMilliseconds)  // 20:00+01:00 is 19:00Z
        #expect(filter.limit == 10_000)
        #expect(filter.beforeID == 42)
        #expect(try AuditFilter(parameters: ["actor": ""]).actor == nil)
    }

    @Test(arguments: [
        (["action": "login.hack"], "action"),
        (["outcome": "maybe"], "outcome"),
        (["since": "yesterday"], "since"),
        (["until": "2026-13-01T00:00:00Z"], "until"),
        (["since": "2026-11-26T19:00:00Z", "until": "2026-11-26T18:00:00Z"], "until"),
        (["before_id": "0"], "before_id"),
        (["before_id": "-5"], "before_id"),
        (["before_id": "abc"], "before_id"),
        (["limit": "0"], "limit"),
        (["limit": "10001"], "limit"),
        (["limit": "ten"], "limit"),
        (["actr": "x"], "actr"),
        (["actor": String(repeating: "a", count: 321)], "actor"),
    ])
    func badParametersAre400NamingTheParameter(parameters: [String: String], field: String) {
        do {
            _ = try AuditFilter(parameters: parameters)
            Issue.record("\(parameters) was accepted")
        } catch {
            #expect(error.code == .invalidParameter)
            #expect(error.field == field)
            #expect(error.message.contains(field))
        }
    }
}
