/// Edge agent library.
public enum HopEdgeVersion { public static let current = "0.1.0" }
