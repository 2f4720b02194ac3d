import HopHubCore
import HopHubSQLite
import Logging

/// Wiring of the frequency judge.
extension Hub {
    /// The judge, taking up at start the conditions whose alarms are still open (when alarms are on).
    static func makeFrequencyMonitor(
        _ configuration: HubConfiguration, store: any HubBackend, sink: any FrequencyAlarmSink, logger: Logger
    ) -> FrequencyMonitor {
        let settings = configuration.frequency
        guard configuration.alarms.enabled else { return FrequencyMonitor(settings: settings, sink: sink) }
        return FrequencyMonitor(settings: settings, sink: sink) {
            do {
                let open = try await FrequencyAlarmBridge.activeConditions(in: store, settings: settings)
                if !open.isEmpty { logger.info("frequency conditions taken up from open alarms", metadata: ["count": "\(open.count)"]) }
                return open
            } catch {
                logger.error("open frequency alarms not read; conditions start afresh", metadata: ["error": "\(error)"])
                return []
            }
        }
    }
}
