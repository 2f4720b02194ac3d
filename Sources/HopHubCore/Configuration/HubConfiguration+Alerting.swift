import Foundation

/// Reading the scoring, alerting and SMTP settings (`scoring.*`, `alerts.*`, `portal_url`, `smtp.*`).
extension HubConfiguration {
    /// File keys of this part; also `HOP_HUB_<KEY>` environment variables.
    public static let alertingKeys: [String] = [
        "scoring.enabled", "scoring.window", "scoring.z_threshold", "scoring.elevated_at", "scoring.anomaly_at",
        "scoring.interval_s", "scoring.max_age_s",
        "alerts.enabled", "alerts.anomaly_cooldown_s", "alerts.anomaly_cap_per_hour", "alerts.trip_cooldown_s",
        "alerts.trip_cap_per_hour", "alerts.recipients", "portal_url",
        "smtp.url", "smtp.starttls", "smtp.username", "smtp.password", "smtp.from", "smtp.ca_file", "smtp.timeout_s",
        "smtp.retry_initial_s", "smtp.retry_max_s",
    ]

    mutating func loadAlerting(_ values: ConfigValues) throws(ConfigError) {
        scoring.enabled = try Self.bool(values, "scoring.enabled") ?? scoring.enabled
        scoring.window = try values.int("scoring.window", in: 2...10_000) ?? scoring.window
        scoring.zThreshold = try values.double("scoring.z_threshold", in: 0.1...100) ?? scoring.zThreshold
        scoring.elevatedAt = try values.double("scoring.elevated_at", in: 0...1) ?? scoring.elevatedAt
        scoring.anomalyAt = try values.double("scoring.anomaly_at", in: 0...1) ?? scoring.anomalyAt
        guard scoring.elevatedAt < scoring.anomalyAt else {
            throw ConfigError(
                origin: values.origin("scoring.elevated_at"), key: "scoring.elevated_at",
                problem: "must be below scoring.anomaly_at (\(scoring.anomalyAt))")
        }
        scoring.intervalSeconds = try values.int("scoring.interval_s", in: 1...86_400) ?? scoring.intervalSeconds
        scoring.maxAgeSeconds = try values.int("scoring.max_age_s", in: 1...604_800) ?? scoring.maxAgeSeconds

        alerting.enabled = try Self.bool(values, "alerts.enabled") ?? alerting.enabled
        alerting.anomalyCooldownSeconds =
            try values.int("alerts.anomaly_cooldown_s", in: 0...604_800) ?? alerting.anomalyCooldownSeconds
        alerting.anomalyCapPerHour = try values.int("alerts.anomaly_cap_per_hour", in: 0...1_000_000) ?? alerting.anomalyCapPerHour
        alerting.tripCooldownSeconds = try values.int("alerts.trip_cooldown_s", in: 0...604_800) ?? alerting.tripCooldownSeconds
        alerting.tripCapPerHour = try values.int("alerts.trip_cap_per_hour", in: 0...1_000_000) ?? alerting.tripCapPerHour
        if let list = values.string("alerts.recipients") {
            alerting.recipients = list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            for address in alerting.recipients where !Self.looksLikeAddress(address) {
                throw ConfigError(
                    origin: values.origin("alerts.recipients"), key: "alerts.recipients",
                    problem: "'\(address)' is not a mail address (name@domain)")
            }
        }
        if let url = values.string("portal_url") {
            guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
                throw ConfigError(origin: values.origin("portal_url"), key: "portal_url", problem: "'\(url)' is not an http(s) URL")
            }
            alerting.portalURL = url
        }

        if let url = values.string("smtp.url"), !url.isEmpty {
            guard url.hasPrefix("smtp://") || url.hasPrefix("smtps://") else {
                throw ConfigError(
                    origin: values.origin("smtp.url"), key: "smtp.url",
                    problem: "'\(url)' must start with smtp:// (plain or STARTTLS) or smtps:// (TLS)")
            }
            let authority = url.split(separator: "/", maxSplits: 3, omittingEmptySubsequences: false).dropFirst(2).first ?? ""
            guard !authority.contains("@") else {
                throw ConfigError(
                    origin: values.origin("smtp.url"), key: "smtp.url",
                    problem: "must not carry credentials (the URL is logged); use smtp.username and smtp.password")
            }
            smtp.url = url
        }
        smtp.startTLS = try Self.bool(values, "smtp.starttls") ?? smtp.startTLS
        smtp.username = values.string("smtp.username").flatMap { $0.isEmpty ? nil : $0 }
        smtp.password = values.string("smtp.password")
        if let from = values.string("smtp.from") {
            guard Self.looksLikeAddress(from) else {
                throw ConfigError(origin: values.origin("smtp.from"), key: "smtp.from", problem: "'\(from)' is not a mail address")
            }
            smtp.from = from
        }
        smtp.caFile = values.string("smtp.ca_file").flatMap { $0.isEmpty ? nil : $0 }
        smtp.timeoutSeconds = try values.int("smtp.timeout_s", in: 1...600) ?? smtp.timeoutSeconds
        smtp.retryInitialSeconds = try values.int("smtp.retry_initial_s", in: 1...3600) ?? smtp.retryInitialSeconds
        smtp.retryMaxSeconds = try values.int("smtp.retry_max_s", in: 1...86_400) ?? smtp.retryMaxSeconds
    }

    static func bool(_ values: ConfigValues, _ key: String) throws(ConfigError) -> Bool? {
        guard let text = values.string(key) else { return nil }
        switch text.lowercased() {
        case "true", "yes", "on", "1": return true
        case "false", "no", "off", "0": return false
        default: throw ConfigError(origin: values.origin(key), key: key, problem: "'\(text)' is not true or false")
        }
    }

    static func looksLikeAddress(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && !parts[1].isEmpty && !text.contains(where: { $0 == " " || $0 == "<" || $0 == ">" || $0 == "," })
    }
}
