/// The hub's version, reported by `/api/health` and `hop-hub --version`.
public enum HubVersion {
    public static let current = "0.1.0"
}
