import HopProtocol

extension JournalStatus {
    /// The text `hop-edge status` prints.
    public var text: String {
        var lines: [String] = []
        let agent = agentRunning ? "running (pid \(agentPID ?? 0))" : "not running"
        lines.append("journal \(journal): agent \(agent)")
        lines.append(
            "unsent: \(depth) records (\(telemetryRows) readings, \(eventRows) event\(eventRows == 1 ? "" : "s")), \(bytes) bytes; "
                + "file \(fileBytes) bytes")
        if let oldest = oldestUnsent, let age = oldestUnsentAgeSeconds {
            lines.append("oldest unsent: \(oldest.rfc3339) (\(String(format2: (age * 10).rounded() / 10)) s ago)")
        } else {
            lines.append("oldest unsent: none")
        }
        if let seq = lastAckSeq, let at = lastAckAt {
            lines.append("last upload: batch \(seq) acknowledged at \(at.rfc3339); \(ackedRecords) records delivered in total")
        } else {
            lines.append("last upload: none yet")
        }
        if let b = inFlight {
            var line = "in flight: batch \(b.seq), \(b.records) records, \(b.attempts) failed attempts"
            if let error = b.lastError { line += "; last error: \(error)" }
            lines.append(line)
        }
        lines.append("next seq: \(nextSeq)")
        lines.append("evicted: \(evictedTelemetry) readings, \(evictedEvents) events")
        lines.append("quarantined: \(quarantinedTotal) batches" + (quarantine.isEmpty ? "" : " (export with --export-quarantine DIR)"))
        for q in quarantine {
            lines.append("  batch \(q.seq): \(q.records) records at \(q.quarantinedAt.rfc3339): \(q.reason)")
        }
        for d in devices {
            var line = "device \(d.name) (\(d.substationID)): \(d.commState)"
            if let at = d.lastPollAt { line += ", last poll \(at.rfc3339)" }
            if let ms = d.lastPollLatencyMs { line += " in \(String(format2: (ms * 10).rounded() / 10)) ms" }
            if let error = d.lastError { line += "; \(error)" }
            lines.append(line)
            let breakers = d.breakers.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value ? "CLOSED" : "OPEN")" }
            if !breakers.isEmpty { lines.append("  breakers: " + breakers.joined(separator: ", ")) }
        }
        return lines.joined(separator: "\n")
    }
}
