/// Where the portal's files come from and what the map uses (`portal.*` keys).
public struct PortalSettings: Sendable, Hashable {
    /// Directory holding the portal's HTML, ES modules and CSS (the repository's `portal/`).
    /// Served under `/portal/`. Relative paths are resolved against the working directory.
    public var directory = "portal"
    /// Debian's shared JavaScript directory (`libjs-chart.js`, `libjs-dygraphs`, `libjs-leaflet`),
    /// served under `/vendor/`.
    public var vendorDirectory = "/usr/share/javascript"
    /// Slippy-map tile URL template for Leaflet; empty means no base layer (markers on a blank map).
    public var tileURL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    public var tileAttribution = "© OpenStreetMap contributors"
    /// Seconds without a live update after which the portal shows its stale-data warning.
    public var staleAfterSeconds = 30
    /// Largest GeoJSON layer an admin may upload (`PUT /api/admin/layers/{name}`), bytes.
    public var layerMaxBytes = 5 * 1024 * 1024
    /// Live feed tuning (`live.*`).
    public var live = LiveSettings()

    public init() {}
}
