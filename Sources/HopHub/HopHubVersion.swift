public enum HopHubVersion { public static let current = "0.1.0" }
