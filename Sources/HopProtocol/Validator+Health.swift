extension Validator {
    /// The `health` object of a batch: bounded like every other part of the API, so one batch can
    /// neither store megabytes of device names nor smuggle markup into the edges page.
    public func validate(_ h: EdgeHealth, at path: String = "health.") throws(ValidationFailure) {
        try counter(h.journalDepth, path + "journal_depth")
        try counter(h.evictedTotal, path + "evicted_total")
        try counter(h.quarantinedTotal, path + "quarantined_total")
        try seconds(h.oldestUnsentAgeSeconds, path + "oldest_unsent_age_s")
        try text(h.agentVersion, path + "agent_version", max: limits.agentVersionMaxLength)
        guard h.devices.count <= limits.maxHealthDevices else {
            throw ValidationFailure(
                field: path + "devices",
                message: "\(h.devices.count) devices exceed the limit of \(limits.maxHealthDevices) per batch")
        }
        for (i, d) in h.devices.enumerated() {
            let at = path + "devices[\(i)]."
            guard !d.name.isEmpty else { throw ValidationFailure(field: at + "name", message: "must not be empty") }
            try text(d.name, at + "name", max: limits.nameMaxLength)
            try identifier(d.substationID.rawValue, at + "substation_id")
            try code(d.commState, at + "comm_state")
            if let latency = d.lastPollLatencyMs { try seconds(latency / 1000, at + "last_poll_latency_ms", scale: 1000) }
            try time(d.lastPollAt, at + "last_poll_at")
        }
    }

    func counter(_ value: Int64, _ field: String) throws(ValidationFailure) {
        guard (0...limits.maxHealthCounter).contains(value) else {
            throw ValidationFailure(field: field, message: "must be a count from 0 to \(limits.maxHealthCounter), got \(value)")
        }
    }

    /// A non-negative duration; `scale` converts the limit back to the field's own unit for the message.
    func seconds(_ value: Double, _ field: String, scale: Double = 1) throws(ValidationFailure) {
        guard value.isFinite, value >= 0, value <= limits.maxHealthSeconds else {
            throw ValidationFailure(
                field: field, message: "must be a duration from 0 to \(Int64(limits.maxHealthSeconds * scale)), got \(value * scale)")
        }
    }
}
