import HopProtocol

extension Uploader {
    /// The health report carried by every batch.
    func health(_ now: SourceTime) async -> EdgeHealth {
        let c = await journal.counters()
        return EdgeHealth(
            journalDepth: c.depth, oldestUnsentAgeSeconds: c.oldestUnsentAgeSeconds(at: now), evictedTotal: c.evictedTotal,
            quarantinedTotal: c.quarantined, devices: await board.health(), agentVersion: HopEdgeVersion.current)
    }
}
