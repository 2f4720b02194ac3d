/// The seed's alert rules (DESIGN §6) with their defaults, and where mail goes.
public struct AlertSettings: Sendable, Hashable {
    /// Decide and log alerts at all.
    public var enabled = true
    /// ANOMALY: seconds before the same substation may alert again.
    public var anomalyCooldownSeconds = 3600
    /// ANOMALY: alerts sent per rolling hour, all substations together.
    public var anomalyCapPerHour = 2
    /// FEEDER_TRIP: seconds before the same feeder may alert again.
    public var tripCooldownSeconds = 1800
    /// FEEDER_TRIP and FEEDER_RESTORE together: alerts sent per rolling hour.
    public var tripCapPerHour = 3
    /// Addresses every alert goes to (users who opted in will be added by a later issue).
    public var recipients: [String] = []
    /// Base URL of the portal, linked from every mail.
    public var portalURL = "http://127.0.0.1:8080"

    public init() {}
}
