import Foundation
import Testing

@testable import HopProtocol

/// The fast decoder must agree with JSONDecoder on everything it accepts, and decline (nil)
/// rather than guess on everything else.
@Suite struct FastBatchDecoderTests {
    func fast(_ json: String) -> Batch? {
        Array(json.utf8).withUnsafeBytes { FastBatchDecoder.batch($0) }
    }

    func foundation(_ json: String) -> Batch? {
        try? JSONDecoder().decode(Batch.self, from: Data(json.utf8))
    }

    static let cases: [String] = [
        #"{"edge_id":"e1","seq":1}"#,
        #"{"edge_id":"e1","seq":3,"sent_at":"2026-11-26T15:04:05Z","telemetry":[{"substation_id":"SUB001","feeder_id":"FDR001","voltage_kv":230.5,"current_a":1e3,"power_mw":-2.5E-1,"frequency_hz":60,"ts":1795705445123}]}"#,
        #" { "seq" : 9 , "edge_id" : "e\u0031" , "telemetry" : [ { "substation_id" : "S\"1", "site_name" : "Zürich \ud83d\ude00 \n", "latitude" : null, "ts" : "2026-11-26T17:04:05.5+02:00" } ] , "unknown" : {"a":[1,true,false,null,"x"]} } "#,
        #"{"edge_id":"e1","seq":2,"telemetry":null,"events":[{"severity":"ALARM","event_type":"FEEDER_TRIP","feeder_id":"FDR001"}],"outages":[{"outage_id":"O1","status":"ACTIVE","customers_out":5}],"health":{"journal_depth":1,"oldest_unsent_age_s":0.5,"evicted_total":0,"quarantined_total":0,"devices":[]}}"#,
        #"{"edge_id":"e1","seq":2,"telemetry":[{"substation_id":"SUB001","ts":1.7957054451235E12}]}"#,
        #"{"edge_id":"e1","seq":-0,"telemetry":[{"substation_id":"SUB001","frequency_hz":-0.0}]}"#,
        // Everything below is invalid or unusual: the fast path must decline or agree.
        #"{"edge_id":"e1","seq":1,"telemetry":[{"substation\u005fid":"SUB001","voltage_kv":1}]}"#,
        #"{"edge_id":"e1","seq":1,"telemetry":[{"substation_id":"SUB001","größe":1,"voltage_kv":2}]}"#,
        #"{"edge_id":"e1","seq":1,"telemetry":[{"substation_id":"SUB001","ts":1,"ts":2}]}"#,
        #"{"edge_id":"e1","seq":1.5}"#,
        #"{"edge_id":"e1","seq":01}"#,
        #"{"edge_id":"e1","seq":1,"telemetry":[{"substation_id":"SUB001","frequency_hz":NaN}]}"#,
        #"{"edge_id":"e1","seq":1,"telemetry":[{"substation_id":"SUB001","frequency_hz":1e999}]}"#,
        #"{"edge_id":"e1","seq":1,"telemetry":[{"substation_id":"SUB001","frequency_hz":"60"}]}"#,
        #"{"edge_id":"e1","seq":1,"telemetry":[{"feeder_id":"F"}]}"#,
        #"{"edge_id":"e1","seq":1,"telemetry":[{"substation_id":null}]}"#,
        #"{"edge_id":"e1","seq":1,"telemetry":[{"substation_id":"A","ts":"yesterday"}]}"#,
        #"{"edge_id":"e1","seq":1,"telemetry":[{"substation_id":"A","ts":1e20}]}"#,
        #"{"edge_id":"e1","seq":1,"seq":2}"#,
        #"{"edge_id":"e1","seq":1,"telemetry":[{"substation_id":"A","substation_id":"B"}]}"#,
        #"{"edge_id":"e1","seq":1,}"#,
        #"{"edge_id":"e1","seq":1} trailing"#,
        #"{"edge_id":"e1","seq":99999999999999999999}"#,
        #"{"edge_id":"e\x","seq":1}"#,
        #"{"edge_id":"e1","seq":1,"events":[{"severity":1}]}"#,
        #"{"edge_id":"e1","seq":1,"telemetry":[{"substation_id":"A","voltage_kv":.5}]}"#,
        #"{"edge_id":"e1","seq":1,"telemetry":[{"substation_id":"A","voltage_kv":5.}]}"#,
        #"{"edge_id":"e1","seq":1,"telemetry":[{"substation_id":"A","voltage_kv":+5}]}"#,
        #"{"edge_id":"e1","seq":1,"telemetry":[{"substation_id":"\ud800"}]}"#,
        #"[]"#, "", "nul", #"{"edge_id":"e1""#,
    ]

    @Test(arguments: cases)
    func agreesWithFoundationOrDeclines(_ json: String) {
        let fast = fast(json)
        let reference = foundation(json)
        if let fast {
            #expect(fast == reference, "fast path accepted something JSONDecoder decodes differently: \(json)")
        }
    }

    @Test func decodesTheCommonShapeItself() {
        #expect(fast(Self.cases[1]) != nil)
        #expect(fast(Self.cases[2]) != nil)
        #expect(fast(Self.cases[3]) != nil)
        #expect(fast(Self.cases[2])?.telemetry.first?.siteName == "Zürich 😀 \n")
    }

    /// The scanner recurses once per level of an unknown field's value: it takes the nesting a
    /// body may have (64 levels in all) and declines deeper ones (the fallback refuses them after
    /// measuring the nesting) instead of recursing without bound.
    @Test func nestingIsDecodedUpToTheLimitAndDeclinedBeyondIt() {
        func batch(nesting levels: Int) -> String {
            // The batch object is one level; the unknown field's arrays are the rest.
            #"{"edge_id":"e1","seq":1,"x":"# + String(repeating: "[", count: levels - 1) + String(repeating: "]", count: levels - 1) + "}"
        }
        #expect(fast(batch(nesting: JSONScanner.maxDepth))?.seq == 1)
        #expect(fast(batch(nesting: JSONScanner.maxDepth + 1)) == nil)
        #expect(fast(batch(nesting: 200_000)) == nil)
    }

    /// Numbers read by the scanner's exact fast path or `strtod` are bit for bit what `Double(String)` reads.
    @Test func numbersAreReadExactlyAsDoubleReadsThem() throws {
        var texts = [
            "0", "-0", "-0.0", "0.000", "230.51", "59.998", "1e22", "1e23", "9007199254740993", "123456789012345",
            "1234567890123456", "4.9e-324", "1.7976931348623157e308", "0.1", "-12.5e-3", "5E+2", "1e-22", "3e-23", "0e999",
            "100000000000000000000000", "0.30000000000000004", "2.2250738585072014e-308",
        ]
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let digits = String((0..<Int.random(in: 1...18, using: &rng)).map { _ in Character(String(Int.random(in: 0...9, using: &rng))) })
            let whole = digits.count > 1 && digits.first == "0" ? "1" + digits.dropFirst() : digits
            let point = Int.random(in: 0...whole.count, using: &rng)
            var text = point == whole.count ? whole : String(whole.prefix(max(point, 1))) + "." + whole.dropFirst(max(point, 1))
            if text.hasSuffix(".") { text += "0" }
            if Bool.random(using: &rng) { text += "e" + String(Int.random(in: -30...30, using: &rng)) }
            texts.append(Bool.random(using: &rng) ? "-" + text : text)
        }
        for text in texts {
            let expected = try #require(Double(text), "\(text)")
            let read = try Array(text.utf8).withUnsafeBytes { raw in
                var scanner = JSONScanner(raw)
                return try scanner.double()
            }
            #expect(read.bitPattern == expected.bitPattern, "\(text): \(read) against \(expected)")
        }
    }

    @Test func randomisedBatchesAgree() throws {
        var rng = SystemRandomNumberGenerator()
        let encoder = JSONEncoder()
        for round in 0..<50 {
            let telemetry = (0..<Int.random(in: 0...40, using: &rng)).map { i in
                Telemetry(
                    substationID: SubstationID("SUB\(i % 7)"), feederID: Bool.random() ? FeederID("F\(i)") : nil,
                    siteName: Bool.random() ? "Site \"\(i)\" \\ é" : nil, latitude: Double.random(in: -90...90),
                    longitude: Double.random(in: -180...180), voltageKV: Bool.random() ? Double.random(in: 0...1200) : nil,
                    currentA: Double.random(in: -1e5...1e5), powerMW: Double(Int.random(in: -100...100)),
                    frequencyHz: Double.random(in: 59...61), ts: SourceTime(epochMilliseconds: Int64.random(in: 0...4_000_000_000_000)))
            }
            let batch = Batch(edgeID: EdgeID("edge-\(round)"), seq: Int64(round + 1), telemetry: telemetry)
            let json = String(decoding: try encoder.encode(batch), as: UTF8.self)
            let decoded = try #require(self.fast(json), "declined a batch JSONEncoder wrote")
            #expect(decoded == batch)
            #expect(decoded == foundation(json))
        }
    }
}
