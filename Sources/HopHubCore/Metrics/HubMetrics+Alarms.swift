import HopProtocol
import Prometheus

/// Alarm KPIs as gauges, set after every alarm sweep (all substations).
extension HubMetrics {
    public func alarmKPIs(_ k: AlarmKPIs) {
        func gauge(_ name: String, _ help: String, _ labels: [(String, String)] = []) -> Gauge {
            registry.makeGauge(descriptor: .init(metricName: name, unitName: "", helpText: help), labels: labels)
        }
        gauge("hop_alarms_raised_last_10m", "Annunciated alarm raises in the last 10 minutes (ISA-18.2: about 1 acceptable, 10 or more a flood)")
            .set(Int64(k.last10Minutes))
        gauge("hop_alarms_raised_last_hour", "Annunciated alarm raises in the last hour").set(Int64(k.lastHour))
        gauge("hop_alarms_max_10m_24h", "Most annunciated raises in one 10-minute period of the last 24 hours").set(Int64(k.max10Minutes))
        gauge("hop_alarms_flood_percent_24h", "Percent of the last 24 hours' 10-minute periods with 10 or more raises").set(k.floodPercent)
        gauge("hop_alarms_standing", "Open alarms active for more than 24 hours").set(Int64(k.standing))
        gauge("hop_alarms_chattering", "Alarm points raised 3 or more times within a minute in the last 24 hours")
            .set(Int64(k.chattering.count))
        for (priority, n) in k.unacknowledged {
            gauge("hop_alarms_unacknowledged", "Unacknowledged alarms by priority", [("priority", priority)]).set(Int64(n))
        }
        gauge("hop_alarms_ack_seconds_mean_24h", "Mean seconds from raise to acknowledgement, last 24 hours")
            .set(k.meanSecondsToAcknowledge ?? 0)
        gauge("hop_alarms_ack_seconds_median_24h", "Median seconds from raise to acknowledgement, last 24 hours")
            .set(k.medianSecondsToAcknowledge ?? 0)
    }
}
