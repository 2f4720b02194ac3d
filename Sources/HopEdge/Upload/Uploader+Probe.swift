import Logging

extension Uploader {
    /// Whether the hub answers a probe with anything but 502, 503 or 504 (a proxy saying the hub
    /// behind it is away): any other answer, even a 404 from a hub without the health route, means
    /// the batch itself can go. A failed probe is a failed attempt of `batch` (counted, its error
    /// kept for `status`) and a retry in the metrics.
    func probeHub(for batch: PendingBatch?) async -> Bool {
        let problem: String
        do {
            let status = try await client.probe()
            guard (502...504).contains(status) else {
                logger.info("hub answers again; sending", metadata: ["probe_status": "\(status)"])
                return true
            }
            problem = "probe: HTTP \(status)"
        } catch {
            problem = "probe: \(error)"
        }
        logger.debug("probe failed", metadata: ["error": "\(problem)"])
        if let batch { try? await journal.recordFailure(batch, error: problem, at: clock.wall()) }
        await stats.count(.retry)
        return false
    }
}
