import Prometheus

/// The hub's Prometheus metrics, served as text at `/metrics`. One registry per hub instance
/// (no global metrics system), so tests can run several hubs in one process.
public struct HubMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    let writerQueueRecords: Gauge
    package let databaseSizeBytes: Gauge
    let commitDuration: DurationHistogram
    let commitGroupSize: ValueHistogram

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        writerQueueRecords = registry.makeGauge(
            descriptor: .init(metricName: "hop_writer_queue", unitName: "records", helpText: "Records waiting for or inside the group-commit writer"))
        databaseSizeBytes = registry.makeGauge(
            descriptor: .init(metricName: "hop_database_size", unitName: "bytes", helpText: "Size of the database files"))
        commitDuration = registry.makeDurationHistogram(
            descriptor: .init(metricName: "hop_writer_commit", unitName: "seconds", helpText: "Duration of one group commit"),
            buckets: Self.latencyBuckets)
        commitGroupSize = registry.makeValueHistogram(
            descriptor: .init(metricName: "hop_writer_group", unitName: "writes", helpText: "Writes committed together in one transaction"),
            buckets: [1, 2, 4, 8, 16, 32, 64, 128])
    }

    static let latencyBuckets: [Duration] = [
        .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
        .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
        .seconds(1), .seconds(2.5), .seconds(5),
    ]

    /// Records accepted, by kind (`telemetry`, `event`, `outage`) and endpoint.
    package func ingested(_ kind: String, count: Int) {
        guard count > 0 else { return }
        registry.makeCounter(descriptor: .init(metricName: "hop_ingest_records", unitName: "total", helpText: "Records stored"), labels: [("kind", kind)]).increment(by: Int64(count))
    }

    /// Requests rejected, by error code.
    package func rejected(_ reason: String) {
        registry.makeCounter(descriptor: .init(metricName: "hop_ingest_rejects", unitName: "total", helpText: "Ingest requests refused"), labels: [("reason", reason)]).increment()
    }

    package func duplicateBatch() {
        registry.makeCounter(descriptor: .init(metricName: "hop_ingest_duplicate_batches", unitName: "total", helpText: "Re-sent batches answered as duplicates")).increment()
    }

    package func request(route: String, method: String, status: Int, duration: Duration) {
        registry.makeDurationHistogram(
            descriptor: .init(metricName: "hop_http_request_duration", unitName: "seconds", helpText: "HTTP request latency"),
            labels: [("route", route), ("method", method), ("status", String(status))],
            buckets: Self.latencyBuckets
        ).recordNanoseconds(duration.nanoseconds)
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }

    /// The duration in seconds, for rates and log lines.
    var inSeconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
