import Foundation
import HopProtocol

/// Renders the agent's metrics in the Prometheus text exposition format (version 0.0.4).
enum MetricsText {
    struct Snapshot: Sendable {
        var journal: JournalCounters
        var devices: [DeviceState]
        var polls: [String: (ok: Int64, failed: Int64)]
        var batches: Int64
        var records: Int64
        var bytes: Int64
        var retries: Int64
        var quarantined: Int64
        var now: SourceTime
    }

    static func render(_ s: Snapshot) -> String {
        var out = ""
        func metric(_ name: String, _ type: String, _ help: String, _ samples: [(labels: String, value: Double)]) {
            out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
            for sample in samples {
                let value = sample.value == sample.value.rounded() && abs(sample.value) < 1e15
                    ? String(Int64(sample.value)) : String(sample.value)
                out += "\(name)\(sample.labels.isEmpty ? "" : "{\(sample.labels)}") \(value)\n"
            }
        }
        let age = s.journal.oldestUnsentAgeSeconds(at: s.now)
        metric("hop_edge_journal_depth", "gauge", "Readings and events not yet acknowledged by the hub.", [("", Double(s.journal.depth))])
        metric("hop_edge_journal_bytes", "gauge", "Bytes of unacknowledged records counted against the quota.", [("", Double(s.journal.bytes))])
        metric("hop_edge_oldest_unsent_age_seconds", "gauge", "Age of the oldest unacknowledged record.", [("", age)])
        metric(
            "hop_edge_evicted_records_total", "counter", "Records evicted because of the quota or the disk floor.",
            [("kind=\"telemetry\"", Double(s.journal.evictedTelemetry)), ("kind=\"event\"", Double(s.journal.evictedEvents))])
        metric("hop_edge_quarantined_batches_total", "counter", "Batches the hub refused permanently.", [("", Double(s.journal.quarantined))])
        metric("hop_edge_upload_batches_total", "counter", "Batches acknowledged by the hub (this process).", [("", Double(s.batches))])
        metric("hop_edge_upload_records_total", "counter", "Records acknowledged by the hub (this process).", [("", Double(s.records))])
        metric("hop_edge_upload_bytes_total", "counter", "Bytes sent in acknowledged batches, as sent.", [("", Double(s.bytes))])
        metric("hop_edge_upload_retries_total", "counter", "Failed upload attempts that will be retried.", [("", Double(s.retries))])
        metric("hop_edge_device_up", "gauge", "1 when the device answered its last poll.", s.devices.map {
            ("device=\"\(escape($0.name))\"", $0.commState == "ok" ? 1 : 0)
        })
        metric("hop_edge_device_poll_latency_seconds", "gauge", "Duration of the last successful poll.", s.devices.compactMap { d in
            d.lastPollLatencyMs.map { ("device=\"\(escape(d.name))\"", $0 / 1000) }
        })
        metric("hop_edge_device_polls_total", "counter", "Polls by result (this process).", s.polls.sorted { $0.key < $1.key }.flatMap {
            [("device=\"\(escape($0.key))\",result=\"ok\"", Double($0.value.ok)),
             ("device=\"\(escape($0.key))\",result=\"failed\"", Double($0.value.failed))]
        })
        return out
    }

    private static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
    }
}
