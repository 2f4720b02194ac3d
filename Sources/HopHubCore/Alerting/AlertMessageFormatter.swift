import Foundation
import HopProtocol

/// Subject and body of an alert mail. Subjects lead with what and where, so a phone's lock screen
/// is enough to triage: `[Hop] TRIP SUB001 FDR002 — Portland North`.
public struct AlertMessageFormatter: Sendable {
    public var portalURL: String

    public init(portalURL: String) {
        self.portalURL = portalURL
    }

    public func subject(_ c: AlertCandidate) -> String {
        let sub = c.substationID?.rawValue ?? "unknown substation"
        let site = c.siteName.map { " — \($0)" } ?? ""
        switch c.kind {
        case .trip: return "[Hop] TRIP \(sub) \(c.feederID ?? "?")\(site)"
        case .restore: return "[Hop] RESTORED \(sub) \(c.feederID ?? "?")\(site)"
        case .anomaly:
            let z = c.score.map { String(format: " z=%+.2f", $0.result.zScore) } ?? ""
            return "[Hop] ANOMALY \(sub)\(z)\(site)"
        }
    }

    public func body(_ c: AlertCandidate) -> String {
        var lines: [String] = []
        let sub = c.substationID?.rawValue ?? "unknown"
        lines.append("Alert: \(c.kind.rawValue)")
        lines.append("Substation: \(sub)\(c.siteName.map { " (\($0))" } ?? "")")
        if let feeder = c.feederID { lines.append("Feeder: \(feeder)") }
        lines.append("Time: \(SourceTime(epochMilliseconds: c.sourceTs).rfc3339)")
        if let e = c.event {
            lines.append("Event: \(e.eventType) severity \(e.severity)")
            if e.oldState != nil || e.newState != nil {
                lines.append("State: \(e.oldState ?? "?") -> \(e.newState ?? "?")")
            }
            if let device = e.deviceID { lines.append("Device: \(device.rawValue)") }
            if let message = e.message { lines.append("Message: \(message)") }
        }
        if let s = c.score?.result {
            lines.append(String(format: "Frequency (latest): %.4f Hz", s.latestValue))
            lines.append(String(format: "Baseline: mean %.4f Hz, std %.5f Hz", s.baselineMean, s.baselineStd))
            lines.append(String(format: "z-score: %+.3f   anomaly score: %.3f", s.zScore, s.anomalyScore) + " (\(s.classification.rawValue))")
        }
        lines.append("")
        lines.append("Portal: \(portalLink(c))")
        return lines.joined(separator: "\r\n")
    }

    /// A deep link into the portal: trips and restores open Alarms & Outages, anomalies ML Anomaly,
    /// with the substation selected (docs/portal.md, "Deep links"). The portal asks for a login first
    /// and comes back to the link.
    public func portalLink(_ c: AlertCandidate) -> String {
        let base = portalURL.hasSuffix("/") ? String(portalURL.dropLast()) : portalURL
        let tab = c.kind == .anomaly ? "ml" : "alarms"
        let sub = c.substationID.map { "&sub=\($0.rawValue)" } ?? ""
        return "\(base)/portal/#tab=\(tab)\(sub)"
    }
}
