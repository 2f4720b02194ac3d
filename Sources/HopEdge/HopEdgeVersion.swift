/// Edge agent library (see issue 3).
public enum HopEdgeVersion { public static let current = "0.1.0" }
