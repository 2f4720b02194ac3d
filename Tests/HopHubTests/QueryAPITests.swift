import Foundation
import GRDB
import HTTPTypes
import HopProtocol
import HummingbirdTesting
import Testing

@testable import HopHub
@testable import HopHubCore
@testable import HopHubSQLite

@Suite struct QueryAPITests {
    /// Two substations of data; a key for SUB001 must never see SUB002, in any endpoint.
    @Test func everyQueryEndpointAppliesTheKeyScope() async throws {
        let t = try await TestHub.make()
        let now = SourceTime.now().epochMilliseconds
        for sub in ["SUB001", "SUB002"] {
            _ = try await t.hub.sqlite.commit([IngestWrite(
                edge: (EdgeID("edge-\(sub)"), 1, "all"),
                telemetry: (0..<20).map { i in
                    StoredTelemetry(Telemetry(substationID: SubstationID(sub), feederID: "FDR001", siteName: "site \(sub)", latitude: 45, longitude: -122, voltageKV: 230, frequencyHz: 60 + Double(i) / 1000, ts: SourceTime(epochMilliseconds: now - Int64(20 - i) * 1000)), arrival: now)
                },
                events: [StoredEvent(ts: now, substationID: SubstationID(sub), event: GridEvent(substationID: SubstationID(sub), severity: "ALARM", eventType: "FEEDER_TRIP"))],
                outages: [StoredOutage(ts: now, substationID: SubstationID(sub), outage: Outage(outageID: OutageID("O-\(sub)"), substationID: SubstationID(sub), status: "ACTIVE"))],
                health: EdgeHealth(journalDepth: 0, oldestUnsentAgeSeconds: 0, evictedTotal: 0, quarantinedTotal: 0, devices: [DeviceHealth(name: "rtu", substationID: SubstationID(sub), commState: "ok")]),
                arrival: now)])
            try await t.hub.sqlite.pool.write { db in
                try db.execute(sql: "INSERT INTO scores VALUES (?, ?, 0.5, 0, 1.25, 60, 0.01, 60.0125, 'zscore-v1')", arguments: [now, sub])
            }
        }
        let endpoints = [
            "/api/query/telemetry/latest", "/api/query/telemetry/timeseries?substation_id=SUB001&minutes=5",
            "/api/query/ml/latest", "/api/query/ml/trend?minutes=5", "/api/query/events?minutes=5",
            "/api/query/outages/active", "/api/query/frequency/thresholds?minutes=5", "/api/query/frequency/rocof?minutes=5",
            "/api/query/substations",
            "/api/query/edges",
        ]
        try await t.live { client in
            for path in endpoints {
                let scoped = try await client.get(path, key: t.sub1Key)
                #expect(scoped.status == .ok, "\(path): \(scoped.text)")
                #expect(scoped.text.contains("SUB001"), "\(path) lost the caller's own data: \(scoped.text)")
                #expect(!scoped.text.contains("SUB002"), "\(path) leaked SUB002: \(scoped.text)")
                let all = try await client.get(path, key: t.allKey)
                #expect(all.status == .ok)
                if !path.contains("substation_id=") { #expect(all.text.contains("SUB002"), "\(path): \(all.text)") }
            }
            // Asking for a foreign substation is a 403, never an empty success.
            for path in ["/api/query/telemetry/timeseries?substation_id=SUB002", "/api/query/events?substation_id=SUB002", "/api/query/ml/latest?substation_id=SUB002"] {
                let refused = try await client.get(path, key: t.sub1Key)
                #expect(refused.status == .forbidden, "\(path)")
                #expect(refused.errorBody?.error.message.contains("SUB002") == true)
            }
            // Ingest-only keys cannot read.
            #expect(try await client.get("/api/query/substations", key: t.ingestKey).status == .forbidden)
        }
    }

    @Test func parametersAreChecked() async throws {
        let t = try await TestHub.make()
        try await t.live { client in
            for path in ["/api/query/events?minutes=0", "/api/query/events?minutes=abc", "/api/query/ml/trend?minutes=20000",
                         "/api/query/telemetry/timeseries", "/api/query/telemetry/timeseries?substation_id=bad%20id"] {
                let response = try await client.get(path, key: t.allKey)
                #expect(response.status == .badRequest, "\(path): \(response.text)")
                #expect(response.errorBody?.error.code == .invalidParameter)
            }
        }
    }

    @Test func sevenDayRangeUsesBucketsWithinThePointBudget() async throws {
        let t = try await TestHub.make()
        let now = SourceTime.now().epochMilliseconds
        // One reading every 30 s for 7 days on two feeders: 40,320 raw readings.
        var readings: [StoredTelemetry] = []
        for i in 0..<20_160 {
            for feeder in ["FDR001", "FDR002"] {
                readings.append(StoredTelemetry(Telemetry(substationID: "SUB001", feederID: FeederID(feeder), voltageKV: 230, frequencyHz: 59.9 + Double(i % 20) / 100, ts: SourceTime(epochMilliseconds: now - Int64(i) * 30_000)), arrival: now))
            }
        }
        _ = try await t.hub.sqlite.commit([IngestWrite(telemetry: readings, arrival: now)])
        try await t.live { client in
            let week = try await client.get("/api/query/telemetry/timeseries?substation_id=SUB001&minutes=10080", key: t.allKey).decode(TimeSeriesResponse.self)
            #expect(week.resolutionSeconds >= 60)
            let perFeeder = Dictionary(grouping: week.points, by: \.feederID).mapValues(\.count)
            #expect(perFeeder.count == 2)
            #expect(perFeeder.values.allSatisfy { $0 <= t.hub.configuration.maxPointsPerSeries && $0 > 1000 })
            #expect(week.points.allSatisfy { ($0.min?.frequencyHz ?? 0) <= ($0.frequencyHz ?? 0) && ($0.frequencyHz ?? 0) <= ($0.max?.frequencyHz ?? 0) })

            let recent = try await client.get("/api/query/telemetry/timeseries?substation_id=SUB001&minutes=5", key: t.allKey).decode(TimeSeriesResponse.self)
            #expect(recent.resolutionSeconds == 0)
            #expect(recent.points.count == 2 * 10 || recent.points.count == 2 * 11)

            let freq = try await client.get("/api/query/frequency/thresholds?minutes=10080", key: t.allKey).decode(FrequencyThresholds.self)
            #expect(freq.bandLowHz == 59.85 && freq.bandHighHz == 60.15)
            #expect(freq.series.first?.points.count ?? 0 <= t.hub.configuration.maxPointsPerSeries)
        }
    }

    /// The API's long-range answer: each bucket's values are the averages of the readings in it
    /// (every reading weighs the same, however the minutes are filled), with their extremes, for all
    /// four quantities; computed here from the readings.
    @Test func longRangeBucketsAverageEveryQuantityOverItsReadings() async throws {
        let t = try await TestHub.make()
        let now = SourceTime.now().epochMilliseconds
        var samples: [StoreTestData.Sample] = []
        for m in 0..<40 {
            for (fi, feeder) in ["FDR001", "FDR002"].enumerated() {
                for k in 0..<((m * 5 + fi * 2) % 6) {  // 0…5 readings per feeder-minute
                    let n = Double(m * 17 + k * 3 + fi)
                    samples.append(StoreTestData.Sample(
                        ts: now - 45 * 60_000 + Int64(m) * 60_000 + Int64(k) * 9_000, feeder: feeder,
                        v: 225 + n.truncatingRemainder(dividingBy: 19), i: 800 + (n * 7).truncatingRemainder(dividingBy: 301),
                        p: 200 + (n * 3).truncatingRemainder(dividingBy: 113), f: 59.9 + (n * 13).truncatingRemainder(dividingBy: 21) / 100))
                }
            }
        }
        _ = try await t.hub.sqlite.commit([IngestWrite(telemetry: samples.map { $0.stored() }, arrival: now)])
        // 7 days within 1,500 points: 604,800 s / 1,499 buckets = 404 s, rounded up to whole minutes
        // (7), and past five minutes to whole ten-minute periods.
        let width: Int64 = 600_000
        let expected = StoreTestData.buckets(samples, width: width)
        let frequency = Dictionary(grouping: samples) { $0.ts / width * width }.mapValues { StoreTestData.Aggregate($0.compactMap(\.f))! }
        try await t.live { client in
            let week = try await client.get("/api/query/telemetry/timeseries?substation_id=SUB001&minutes=10080", key: t.allKey).decode(TimeSeriesResponse.self)
            #expect(week.resolutionSeconds == 600)
            #expect(week.points.count == expected.count)
            for point in week.points {
                let key = StoreTestData.BucketKey(start: point.time.epochMilliseconds, feeder: point.feederID?.rawValue ?? "")
                guard let want = expected[key] else {
                    Issue.record("unexpected bucket \(key)")
                    continue
                }
                StoreTestData.check(point, against: want)
            }

            let thresholds = try await client.get("/api/query/frequency/thresholds?minutes=10080", key: t.allKey).decode(FrequencyThresholds.self)
            #expect(thresholds.resolutionSeconds == 600)
            let points = try #require(thresholds.series.first { $0.substationID == "SUB001" }).points
            #expect(points.map(\.time.epochMilliseconds) == frequency.keys.sorted())
            for point in points {
                let want = try #require(frequency[point.time.epochMilliseconds])
                #expect(StoreTestData.close(point.frequencyHz, want.average) && StoreTestData.close(point.minHz, want.min)
                    && StoreTestData.close(point.maxHz, want.max), "\(point) vs \(want)")
            }
        }
    }

    @Test func healthNeedsNoKeyAndMetricsAreExposed() async throws {
        let t = try await TestHub.make()
        try await t.live { client in
            let health = try await client.get("/api/health", key: nil)
            #expect(health.status == .ok)
            #expect(try health.decode(HealthStatus.self).database == "ok")
            _ = try await client.post("/api/ingest/telemetry", key: t.allKey, body: Fixtures.seedExample)
            _ = try await client.post("/api/ingest/telemetry", key: t.allKey, body: #"{"substation_id":"SUB001","frequency_hz":1}"#)
            let metrics = try await client.get("/metrics", key: nil).text
            #expect(metrics.contains(#"hop_ingest_records_total{kind="telemetry"} 1"#))
            #expect(metrics.contains(#"hop_ingest_rejects_total{reason="validation_failed"} 1"#))
            #expect(metrics.contains("hop_http_request_duration_seconds_bucket"))
            #expect(metrics.contains("hop_writer_queue_records"))
            #expect(metrics.contains("hop_database_size_bytes"))
            let spec = try await client.get("/api/openapi.json", key: nil)
            #expect(spec.status == .ok)
            #expect(spec.text.contains("/api/ingest/batch"))
        }
    }
}
