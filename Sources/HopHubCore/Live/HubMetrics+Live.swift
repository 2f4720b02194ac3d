import Prometheus

/// Live feed metrics, created on first use in the hub's registry.
extension HubMetrics {
    /// Open `GET /api/stream` streams.
    func liveStreams(_ count: Int) {
        registry.makeGauge(
            descriptor: .init(metricName: "hop_live_streams", unitName: "count", helpText: "Open live (SSE) streams")
        ).set(Int64(count))
    }

    /// Messages dropped because a stream fell behind (each such stream got one `resync`).
    func liveDropped(_ count: Int) {
        registry.makeCounter(
            descriptor: .init(
                metricName: "hop_live_dropped_messages", unitName: "total",
                helpText: "Live messages dropped for slow streams (replaced by a resync event)")
        ).increment(by: Int64(count))
    }

    /// The counter of messages published on the live feed of `kind` (before per-stream filtering).
    /// `LiveFeed` keeps it, so the registry is not searched per message; it is registered on first
    /// use, so kinds never published stay off /metrics.
    func liveMessages(_ kind: LiveEventKind) -> Counter {
        registry.makeCounter(
            descriptor: .init(metricName: "hop_live_messages", unitName: "total", helpText: "Live feed messages published"),
            labels: [("kind", kind.rawValue)])
    }
}
