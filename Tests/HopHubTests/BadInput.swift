import CompressNIO
import Foundation
import GRDB
import HTTPTypes
import NIOCore
import Testing

/// One class of bad input for the ingest API and what the hub must answer.
struct BadInput: Sendable, CustomTestStringConvertible {
    enum Key: Sendable { case all, sub1, readOnly, none, wrong }

    var name: String
    var path: String
    var payload: String
    var status: Int
    var field: String? = nil
    var key: Key = .all
    var headers: HTTPFields = [:]
    var gzip = false

    var testDescription: String { name }

    func key(_ t: TestHub) -> String? {
        switch key {
        case .all: t.allKey
        case .sub1: t.sub1Key
        case .readOnly: t.readKey
        case .none: nil
        case .wrong: "hop_AAAAAAAAAAAA_BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB"
        }
    }

    func body() throws -> ByteBuffer {
        var buffer = ByteBuffer(string: payload)
        return gzip ? try buffer.compress(with: .gzip()) : buffer
    }

    static let good = #"{"substation_id":"SUB001","feeder_id":"FDR001","voltage_kv":230,"frequency_hz":60.01}"#

    static var all: [BadInput] {
        let future = "2099-01-01T00:00:00Z"
        let batch = { (inner: String) in #"{"edge_id":"e1","seq":1,"telemetry":[\#(inner)]}"# }
        return [
            BadInput(name: "not JSON", path: "/api/ingest/telemetry", payload: "{substation_id: SUB001", status: 400),
            BadInput(name: "empty body", path: "/api/ingest/telemetry", payload: "", status: 400),
            BadInput(name: "NaN literal", path: "/api/ingest/telemetry", payload: #"{"substation_id":"SUB001","frequency_hz":NaN}"#, status: 400),
            BadInput(name: "Infinity literal", path: "/api/ingest/telemetry", payload: #"{"substation_id":"SUB001","frequency_hz":Infinity}"#, status: 400),
            BadInput(name: "number overflowing to infinity", path: "/api/ingest/telemetry", payload: #"{"substation_id":"SUB001","frequency_hz":1e999}"#, status: 400),
            BadInput(name: "frequency outside 40-70 Hz", path: "/api/ingest/telemetry", payload: #"{"substation_id":"SUB001","frequency_hz":99.5}"#, status: 422, field: "frequency_hz"),
            BadInput(name: "latitude outside ±90", path: "/api/ingest/telemetry", payload: #"{"substation_id":"SUB001","voltage_kv":230,"latitude":123,"longitude":10}"#, status: 422, field: "latitude"),
            BadInput(name: "missing substation_id", path: "/api/ingest/telemetry", payload: #"{"feeder_id":"FDR001","voltage_kv":230}"#, status: 422, field: "substation_id"),
            BadInput(name: "mistyped number", path: "/api/ingest/telemetry", payload: #"{"substation_id":"SUB001","voltage_kv":"230"}"#, status: 422, field: "voltage_kv"),
            BadInput(name: "null required field", path: "/api/ingest/event", payload: #"{"substation_id":"SUB001","severity":null,"event_type":"FEEDER_TRIP"}"#, status: 422, field: "severity"),
            BadInput(name: "over-long site_name", path: "/api/ingest/telemetry", payload: #"{"substation_id":"SUB001","voltage_kv":230,"site_name":"\#(String(repeating: "x", count: 200))"}"#, status: 422, field: "site_name"),
            BadInput(name: "timestamp far in the future", path: "/api/ingest/telemetry", payload: #"{"substation_id":"SUB001","voltage_kv":230,"ts":"\#(future)"}"#, status: 422, field: "ts"),
            BadInput(name: "oversize body", path: "/api/ingest/telemetry", payload: #"{"substation_id":"SUB001","voltage_kv":230,"pad":"\#(String(repeating: "x", count: 4000))"}"#, status: 413),
            BadInput(name: "substation outside key scope", path: "/api/ingest/telemetry", payload: #"{"substation_id":"SUB002","voltage_kv":230}"#, status: 403, field: "substation_id", key: .sub1),
            BadInput(name: "read-only key writing", path: "/api/ingest/telemetry", payload: good, status: 403, key: .readOnly),
            BadInput(name: "no key", path: "/api/ingest/telemetry", payload: good, status: 401, key: .none),
            BadInput(name: "unknown key", path: "/api/ingest/telemetry", payload: good, status: 401, key: .wrong),
            BadInput(name: "form content type", path: "/api/ingest/telemetry", payload: good, status: 415, headers: [.contentType: "application/x-www-form-urlencoded"]),
            BadInput(name: "unknown content encoding", path: "/api/ingest/telemetry", payload: good, status: 415, headers: [.contentEncoding: "br"]),
            BadInput(name: "gzip header on plain body", path: "/api/ingest/batch", payload: batch(good), status: 400, headers: [.contentEncoding: "gzip"]),
            BadInput(name: "batch with one bad reading among good ones", path: "/api/ingest/batch", payload: batch(good + "," + #"{"substation_id":"SUB001","frequency_hz":12}"#), status: 422, field: "telemetry[1].frequency_hz"),
            BadInput(name: "batch touching a foreign substation", path: "/api/ingest/batch", payload: batch(good + "," + #"{"substation_id":"SUB009","voltage_kv":230}"#), status: 403, key: .sub1),
            BadInput(name: "batch seq zero", path: "/api/ingest/batch", payload: #"{"edge_id":"e1","seq":0,"telemetry":[\#(good)]}"#, status: 422, field: "seq"),
            BadInput(name: "outage naming a foreign substation", path: "/api/ingest/outage", payload: #"{"outage_id":"O1","substation_id":"SUB002","status":"ACTIVE"}"#, status: 403, field: "substation_id", key: .sub1),
            BadInput(name: "unknown endpoint", path: "/api/ingest/nothing", payload: good, status: 404),
            BadInput(name: "wrong method on a known path", path: "/api/query/events", payload: good, status: 405),
            // Swift's JSONDecoder calls these "not valid JSON" with no path; the hub names the field.
            BadInput(name: "fractional whole-number field", path: "/api/ingest/outage", payload: #"{"outage_id":"O1","substation_id":"SUB001","status":"ACTIVE","customers_out":1.5}"#, status: 422, field: "customers_out"),
            BadInput(name: "seq beyond 2^63", path: "/api/ingest/batch", payload: #"{"edge_id":"e1","seq":9223372036854775808}"#, status: 422, field: "seq"),
            BadInput(name: "fractional seq among fractional readings", path: "/api/ingest/batch", payload: #"{"edge_id":"e1","seq":2.5,"telemetry":[\#(good)]}"#, status: 422, field: "seq"),
            BadInput(name: "fractional health counter", path: "/api/ingest/batch", payload: #"{"edge_id":"e1","seq":3,"telemetry":[\#(good)],"health":{"journal_depth":1.5}}"#, status: 422, field: "health.journal_depth"),
            // 36,000 bytes after gunzip against a limit of 16 × 2,048 = 32,768 (a few hundred bytes on the wire).
            BadInput(name: "gzip expanding just beyond the limit", path: "/api/ingest/telemetry", payload: #"{"substation_id":"SUB001","voltage_kv":230,"pad":"\#(String(repeating: "x", count: 36_000))"}"#, status: 413, headers: [.contentEncoding: "gzip"], gzip: true),
        ]
    }
}
