import HopProtocol
import Logging
import ServiceLifecycle

/// Deletes raw readings, rollups, events and scores past their retention, every
/// `retention.interval_s` seconds (first pass at start). Stops at graceful shutdown.
public struct RetentionService: Service {
    let store: any MaintenanceStore
    let configuration: HubConfiguration
    let logger: Logger

    public init(store: any MaintenanceStore, configuration: HubConfiguration, logger: Logger) {
        self.store = store
        self.configuration = configuration
        self.logger = logger
    }

    public func run() async throws {
        await repeatUntilShutdown(every: .seconds(configuration.retentionIntervalSeconds), startNow: true) {
            await runOnce(now: SourceTime.now().epochMilliseconds)
        }
    }

    /// One pass; failures are logged and retried at the next interval.
    public func runOnce(now: Int64) async {
        let day: Int64 = 86_400_000
        do {
            let report = try await store.applyRetention(
                rawBefore: now - Int64(configuration.rawRetentionDays) * day,
                rollupBefore: now - Int64(configuration.rollupRetentionDays) * day,
                eventsBefore: now - Int64(configuration.eventRetentionDays) * day,
                scoresBefore: now - Int64(configuration.scoreRetentionDays) * day)
            if report != RetentionReport() {
                logger.info(
                    "retention pass",
                    metadata: [
                        "telemetry": "\(report.telemetry)", "rollups": "\(report.rollups)", "events": "\(report.events)",
                        "scores": "\(report.scores)",
                    ])
            }
        } catch {
            logger.error("retention pass failed", metadata: ["error": "\(error)"])
        }
    }
}
