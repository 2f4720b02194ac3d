/// The bench's printed result.
struct FleetReport {
    var edges: Int
    var outage: Double
    var traffic: Traffic
    var down: Double
    var back: Double
    var tripDelays: [Double]
    var drained: Double?
    /// When the bench stopped the fleet.
    var ended: Double
    var serviceMs: Double
    var queue: Int

    var text: String {
        func pct(_ p: Double) -> String {
            guard !tripDelays.isEmpty else { return "-" }
            let i = min(tripDelays.count - 1, Int((p * Double(tripDelays.count)).rounded(.up)) - 1)
            return f(tripDelays[max(i, 0)])
        }
        let attempts = traffic.perSecond([.clientProbe, .clientPost], from: down, to: back)
        let posts = traffic.count([.clientPost], from: down, to: back)
        let mean = Double(attempts.reduce(0, +)) / max(1, back - down)
        var lines = [
            "fleet of \(edges) edges, hub away \(f(outage)) s, hub writer \(f(serviceMs)) ms/batch (queue \(queue), then 503 + Retry-After: 1)",
            "while away: \(f(mean)) attempts/s from the fleet on average (\(posts) batch POSTs in all, the rest GET /api/health probes)",
            "  per second: " + attempts.map(String.init).joined(separator: " "),
            "after the hub's return, per second (probes / batches committed / batches refused 503):",
        ]
        // Until the run ended (every backlog in, or the limit), at most 10 s.
        for second in 0..<min(10, Int((ended - back).rounded(.up))) {
            let from = back + Double(second)
            let p = traffic.count([.hubProbe], from: from, to: from + 1)
            let a = traffic.count([.hubAccepted], from: from, to: from + 1)
            let r = traffic.count([.hubRefused], from: from, to: from + 1)
            lines.append("  +\(second)…\(second + 1) s: \(p) / \(a) / \(r)")
        }
        lines.append(
            "trip committed after the hub's return: p50 \(pct(0.5)) s, p95 \(pct(0.95)) s, max \(tripDelays.last.map(f) ?? "-") s "
                + "(\(tripDelays.count) of \(edges) trips)")
        lines.append("every edge's outage backlog in: \(drained.map { f($0) + " s after the return" } ?? "not within the limit")")
        return lines.joined(separator: "\n")
    }

    private func f(_ x: Double) -> String { String(Double(Int((x * 100).rounded())) / 100) }
}
