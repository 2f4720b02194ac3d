import HopProtocol
import Logging
import ServiceLifecycle

/// Moves raw readings older than `storage.head_s` from the head into compressed chunks, every
/// `storage.compaction_interval_s`. A pass runs small transactions back to back until the head is
/// caught up, so a backlog (an upgrade from a database without chunks, an edge's hours of buffered
/// readings) drains without holding ingest up; its progress is logged.
///
/// The head window applies to arrival as well as to source time: a block is compacted once its
/// oldest head reading is `storage.head_s` old and also arrived `storage.head_s` ago. A live
/// reading arrives about at its source time, so nothing changes for it; a block an edge is filling
/// with its backlog waits that long after its first rows came, and is then encoded about once
/// instead of on every pass while ingest fills it (compaction would otherwise decode and re-encode
/// the growing chunk, competing with the backlog's ingest for the cores and the database). The
/// head still holds at most about `storage.head_s` of arrivals outside the block being written.
public struct CompactionService: Service {
    let store: any TelemetryCompaction
    let settings: StorageSettings
    let metrics: HubMetrics
    let logger: Logger

    public init(store: any TelemetryCompaction, settings: StorageSettings, metrics: HubMetrics, logger: Logger) {
        self.store = store
        self.settings = settings
        self.metrics = metrics
        self.logger = logger
    }

    public func run() async throws {
        await repeatUntilShutdown(every: .seconds(settings.compactionIntervalSeconds), startNow: true, from: [String]()) { warned in
            let report = await drain(now: SourceTime.now().epochMilliseconds)
            // Blocks that cannot be compacted are named once, not at every pass.
            for reason in report.skipped where !warned.contains(reason) {
                logger.warning("readings left in the head", metadata: ["reason": "\(reason)"])
            }
            return report.skipped
        }
    }

    /// Compacts everything older than the head window at `now`, then, caught up, gives the space
    /// it freed back (``TelemetryCompaction/reclaimSpace()``); returns what it compacted in total.
    /// The readings of every pass are counted (`hop_compacted_readings_total`) as it commits,
    /// before the space is given back.
    public func drain(now: Int64) async -> CompactionReport {
        let cutoff = now - Int64(settings.headSeconds) * 1000
        var total = CompactionReport()
        var lastLog = ContinuousClock.now
        var caughtUp = false
        while !Task.isCancelled {
            let report: CompactionReport
            do {
                report = try await store.compact(
                    before: cutoff, arrivedBefore: cutoff, maxChunks: settings.chunksPerTransaction,
                    openBlockDelayMs: Int64(settings.openBlockDelaySeconds) * 1000)
            } catch {
                logger.error("compaction pass failed; the head keeps the readings", metadata: ["error": "\(error)"])
                break
            }
            total.chunks += report.chunks
            total.readings += report.readings
            total.skipped += report.skipped
            metrics.compacted(readings: report.readings, chunks: report.chunks)
            // A pass stops at a substation-block boundary, so it may do a few more than asked.
            guard report.chunks >= settings.chunksPerTransaction else {
                caughtUp = true
                break
            }
            if ContinuousClock.now - lastLog > .seconds(10) {
                let remaining = (try? await store.headReadings(before: cutoff)).map(String.init) ?? "?"
                logger.info("compacting the head into chunks", metadata: ["compacted": "\(total.readings)", "remaining": "\(remaining)"])
                lastLog = .now
            }
            await Task.yield()  // let the writer take the database between transactions
        }
        if total.readings > 100_000 {
            logger.info("head compacted into chunks", metadata: ["readings": "\(total.readings)", "chunks": "\(total.chunks)"])
        }
        if caughtUp && !Task.isCancelled {
            let started = ContinuousClock.now
            do {
                try await store.reclaimSpace()
            } catch {
                logger.error("giving free space back failed", metadata: ["error": "\(error)"])
            }
            let took = ContinuousClock.now - started
            if took > .milliseconds(100) {
                logger.info("free space given back", metadata: ["seconds": "\(took.inSeconds)"])
            }
        }
        return total
    }
}
