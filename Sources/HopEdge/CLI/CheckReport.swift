/// What `hop-edge check` prints for a valid configuration.
public enum CheckReport {
    public static func text(for config: EdgeConfig) throws(ConfigError) -> String {
        var lines: [String] = []
        var requests = 0
        for device in config.devices { requests += try DevicePlanner.plan(device, file: config.sourceFile).requestCount }
        lines.append("\(config.sourceFile): OK")
        let outstations = config.devices.filter { $0.dnp3 != nil }.count
        lines.append(
            "edge \(config.edgeID): \(config.devices.count) device\(config.devices.count == 1 ? "" : "s"), "
                + "\(requests) read request\(requests == 1 ? "" : "s") per cycle"
                + (outstations == 0 ? "" : " (Modbus), \(outstations) DNP3 outstation\(outstations == 1 ? "" : "s")"))
        lines.append(
            "hub \(config.hub.batchURL)" + (config.hub.caFile.map { " (CA file \($0))" } ?? "")
                + ", connect timeout \(config.hub.connectTimeout.compact), request timeout \(config.hub.requestTimeout.compact)")
        lines.append(
            "journal \(config.journal.path): quota \(config.journal.quotaBytes) bytes, "
                + "keep \(config.journal.minFreeDiskBytes) bytes free")
        let u = config.upload
        lines.append(
            "upload: batches of ≤\(u.maxRecords) records, ≤\(u.maxBytes) bytes, ≤\(u.maxAge.compact) old, "
                + "gzip \(u.gzip ? "on" : "off"), backoff \(u.backoffInitial.compact)…\(u.backoffMax.compact)")
        if let m = config.metricsListen { lines.append("metrics on http://\(m)/metrics") }
        for (index, device) in config.devices.enumerated() {
            let plan = try DevicePlanner.plan(device, file: config.sourceFile, path: "devices[\(index)]")
            lines.append(device.dnp3 != nil ? plan.dnp3Description : plan.description)
        }
        return lines.joined(separator: "\n")
    }
}
