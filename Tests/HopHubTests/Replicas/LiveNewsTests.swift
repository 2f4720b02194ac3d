import Foundation
import HopProtocol
import Testing

@testable import HopHubCore

/// The news one replica sends the others fits NOTIFY's payload limit however large the commit:
/// it keeps the newest reading per substation+feeder and splits into parts that together carry
/// every item.
@Suite struct LiveNewsTests {
    static func write(substations: Int, readingsEach: Int, at now: Int64) -> IngestWrite {
        var telemetry: [StoredTelemetry] = []
        for s in 0..<substations {
            for r in 0..<readingsEach {
                telemetry.append(
                    StoredTelemetry(
                        Telemetry(
                            substationID: SubstationID("SUB\(1000 + s)"), feederID: "FDR001", siteName: "Site number \(s)",
                            voltageKV: 230 + Double(r), ts: SourceTime(epochMilliseconds: now + Int64(r) * 1000)), arrival: now))
            }
        }
        return IngestWrite(edge: (EdgeID("edge-1"), 7, "k"), telemetry: telemetry, arrival: now)
    }

    @Test func aCommitKeepsTheNewestReadingPerFeeder() {
        let news = LiveNews(committed: [Self.write(substations: 2, readingsEach: 3, at: 1_700_000_000_000)])
        #expect(news.readings.count == 2)
        #expect(news.readings.allSatisfy { $0.voltageKV == 232 })
        #expect(news.edges == [EdgeID("edge-1")])
        #expect(news.eventsSince == nil)
    }

    /// A replica recognises its own notifications without decoding them, but only where no
    /// object precedes the origin; otherwise it says nothing (nil) and the payload is decoded.
    @Test func theOriginIsReadWithoutDecodingWhereNothingNestedPrecedesIt() {
        var news = LiveNews(committed: [Self.write(substations: 2, readingsEach: 3, at: 1_700_000_000_000)])
        news.origin = "replica-a"
        news.eventsSince = 1_700_000_000_000
        let (payloads, _) = news.payloads(maxBytes: 7900)
        #expect(payloads.count == 1)
        #expect(LiveNews.origin(ofPayload: payloads[0]) == "replica-a")
        #expect(LiveNews.origin(ofPayload: #"{"a":[{"o":"replica-b"}],"o":"replica-a"}"#) == nil)
        #expect(LiveNews.origin(ofPayload: #"{"g":["e1"],"m":[{"o":"replica-b"}],"o":"replica-a"}"#) == nil)
        #expect(LiveNews.origin(ofPayload: #"{"g":["e1"],"o":"replica-a","r":[]}"#) == "replica-a")
        #expect(LiveNews.origin(ofPayload: #"{"o":"rep\"lica"}"#) == nil)
        #expect(LiveNews.origin(ofPayload: "not json") == nil)
    }

    @Test func largeNewsIsSplitIntoPartsUnderTheLimitCarryingEveryItem() throws {
        var news = LiveNews(committed: [Self.write(substations: 300, readingsEach: 1, at: 1_700_000_000_000)])
        news.origin = "replica-a"
        news.outages = (0..<50).map { OutageID("OUT-\($0)") }
        let whole = LiveJSON.encode(news).utf8.count
        #expect(whole > 7900, "the test needs news larger than one payload (\(whole) bytes)")
        let (payloads, dropped) = news.payloads(maxBytes: 7900)
        #expect(dropped == 0)
        #expect(payloads.count > 1)
        #expect(payloads.allSatisfy { $0.utf8.count <= 7900 })
        let parts = try payloads.map { try #require(LiveNews.decode($0)) }
        #expect(parts.allSatisfy { $0.origin == "replica-a" })
        #expect(Set(parts.flatMap(\.readings)) == Set(news.readings))
        #expect(Set(parts.flatMap(\.outages)) == Set(news.outages))
        #expect(Set(parts.flatMap(\.edges)) == Set(news.edges))
    }

    @Test func anItemLargerThanTheLimitIsDroppedAndCounted() {
        var reading = LiveNews(committed: [Self.write(substations: 1, readingsEach: 1, at: 1_700_000_000_000)]).readings[0]
        reading.siteName = String(repeating: "x", count: 9000)
        let (payloads, dropped) = LiveNews(origin: "a", readings: [reading]).payloads(maxBytes: 7900)
        #expect(payloads.isEmpty)
        #expect(dropped == 1)
    }
}

/// News decodes to what was sent: the wire shapes (readings, scores, alert decisions) survive the
/// trip through JSON, so another replica's streams show what the query endpoints answer.
@Suite struct LiveNewsRoundTripTests {
    @Test func scoresAndAlertDecisionsSurviveThePayload() throws {
        let at = SourceTime(epochMilliseconds: 1_700_000_123_456)
        let news = LiveNews(
            origin: "replica-a",
            scores: [
                AnomalyScore(
                    time: at, substationID: "SUB001", anomalyScore: 0.97, isAnomaly: true, zScore: 4.2, baselineMean: 230,
                    baselineStd: 1.5, latestValue: 236.3, modelVersion: "z-1", classification: "ANOMALY")
            ],
            alerts: [
                AlertLogEntry(
                    id: 42, decidedAt: at, kind: "FEEDER_TRIP", substationID: "SUB001", feederID: "FDR002", outcome: "sent",
                    reason: nil, sourceTime: at, detail: "Feeder trip at SUB001 FDR002")
            ])
        let (payloads, dropped) = news.payloads(maxBytes: 7900)
        #expect(dropped == 0 && payloads.count == 1)
        #expect(LiveNews.decode(payloads[0]) == news)
    }
}
