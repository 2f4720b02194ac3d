import HopProtocol

extension Uploader {
    /// The health report carried by every batch.
    func health(_ now: SourceTime) async -> EdgeHealth {
        let c = await journal.counters()
        let age = c.oldestUnsent.map { max(0, Double(now.epochMilliseconds - $0.epochMilliseconds) / 1000) } ?? 0
        return EdgeHealth(
            journalDepth: c.depth, oldestUnsentAgeSeconds: age, evictedTotal: c.evictedTotal,
            quarantinedTotal: c.quarantined, devices: await board.health(), agentVersion: HopEdgeVersion.current)
    }
}
