import HopProtocol

/// Where a simulated substation stands: its ids, name and coordinates.
public struct Site: Sendable, Hashable {
    /// Zero-based position; the Modbus unit id is `index + 1`.
    public let index: Int
    public let substationID: SubstationID
    public let name: String
    public let latitude: Double
    public let longitude: Double

    public init(index: Int, name: String, latitude: Double, longitude: Double) {
        self.index = index
        self.substationID = Site.substationID(index: index)
        self.name = name
        self.latitude = latitude
        self.longitude = longitude
    }

    /// The Modbus unit id that serves this substation.
    public var unitID: Int { index + 1 }

    /// `SUB001` for index 0.
    public static func substationID(index: Int) -> SubstationID {
        SubstationID("SUB" + pad3(index + 1))
    }

    /// `FDR001` for feeder index 0.
    public static func feederID(index: Int) -> FeederID {
        FeederID("FDR" + pad3(index + 1))
    }

    /// `SUB001-FDR002`, the seed's device id form.
    public func deviceID(feeder: Int) -> DeviceID {
        DeviceID(substationID.rawValue + "-" + Site.feederID(index: feeder).rawValue)
    }

    /// `7` → `007`.
    static func pad3(_ n: Int) -> String {
        let s = String(n)
        return s.count >= 3 ? s : String(repeating: "0", count: 3 - s.count) + s
    }
}
