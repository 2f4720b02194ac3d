import Prometheus

/// The hub's Prometheus metrics, served as text at `/metrics`. One registry per hub instance
/// (no global metrics system), so tests can run several hubs in one process.
public struct HubMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    let writerQueueRecords: Gauge
    let databaseSizeBytes: Gauge
    let commitDuration: DurationHistogram
    let commitGroupSize: ValueHistogram

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        writerQueueRecords = registry.makeGauge(
            name: "hop_writer_queue_records", help: "Records waiting for or inside the group-commit writer")
        databaseSizeBytes = registry.makeGauge(name: "hop_database_size_bytes", help: "Size of the database files")
        commitDuration = registry.makeDurationHistogram(
            name: "hop_writer_commit_seconds", buckets: Self.latencyBuckets, help: "Duration of one group commit")
        commitGroupSize = registry.makeValueHistogram(
            name: "hop_writer_group_writes", buckets: [1, 2, 4, 8, 16, 32, 64, 128],
            help: "Writes committed together in one transaction")
    }

    static let latencyBuckets: [Duration] = [
        .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
        .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
        .seconds(1), .seconds(2.5), .seconds(5),
    ]

    /// Records accepted, by kind (`telemetry`, `event`, `outage`) and endpoint.
    func ingested(_ kind: String, count: Int) {
        guard count > 0 else { return }
        registry.makeCounter(name: "hop_ingest_records_total", labels: [("kind", kind)], help: "Records stored").increment(by: Int64(count))
    }

    /// Requests rejected, by error code.
    func rejected(_ reason: String) {
        registry.makeCounter(name: "hop_ingest_rejects_total", labels: [("reason", reason)], help: "Ingest requests refused").increment()
    }

    func duplicateBatch() {
        registry.makeCounter(name: "hop_ingest_duplicate_batches_total", help: "Re-sent batches answered as duplicates").increment()
    }

    func request(route: String, method: String, status: Int, duration: Duration) {
        registry.makeDurationHistogram(
            name: "hop_http_request_duration_seconds",
            labels: [("route", route), ("method", method), ("status", String(status))],
            buckets: Self.latencyBuckets, help: "HTTP request latency"
        ).recordNanoseconds(duration.nanoseconds)
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
