import Prometheus

/// Scoring and alerting metrics, created on first use in the hub's registry.
extension HubMetrics {
    /// Alert decisions by kind, outcome (`sent` / `suppressed`) and reason (`-` when sent).
    func alertDecided(kind: String, outcome: String, reason: String?) {
        registry.makeCounter(
            descriptor: .init(metricName: "hop_alert_decisions", unitName: "total", helpText: "Alert decisions, sent or suppressed"),
            labels: [("kind", kind), ("outcome", outcome), ("reason", reason ?? "-")]
        ).increment()
    }

    /// Alert mail delivery attempts by result (`delivered` / `failed`).
    func mailAttempt(delivered: Bool) {
        registry.makeCounter(
            descriptor: .init(metricName: "hop_alert_mail_attempts", unitName: "total", helpText: "SMTP delivery attempts of alert mail"),
            labels: [("result", delivered ? "delivered" : "failed")]
        ).increment()
    }

    /// One scoring pass: its duration and how many substations it scored.
    func scoringPass(duration: Duration, scored: Int) {
        registry.makeDurationHistogram(
            descriptor: .init(metricName: "hop_scoring_pass", unitName: "seconds", helpText: "Duration of one anomaly scoring pass"),
            buckets: Self.latencyBuckets
        ).recordNanoseconds(duration.nanoseconds)
        registry.makeGauge(
            descriptor: .init(metricName: "hop_scoring_substations", unitName: "count", helpText: "Substations scored by the last pass")
        ).set(Int64(scored))
    }
}

/// Storage metrics.
extension HubMetrics {
    /// One compaction transaction: readings moved from the head into chunks, chunks written.
    func compacted(readings: Int, chunks: Int) {
        registry.makeCounter(
            descriptor: .init(metricName: "hop_compacted_readings", unitName: "total", helpText: "Readings moved from the head into chunks")
        ).increment(by: Int64(readings))
        registry.makeCounter(
            descriptor: .init(metricName: "hop_compacted_chunks", unitName: "total", helpText: "Chunks written (new or rewritten)")
        ).increment(by: Int64(chunks))
    }
}
