/// Plans any device: Modbus devices through `ReadPlanner`, DNP3 devices through `DNP3Planner`.
public enum DevicePlanner {
    public static func plan(_ device: DeviceConfig, file: String = "", path: String = "") throws(ConfigError) -> DevicePlan {
        if let settings = device.dnp3 { return DNP3Planner.plan(device, settings: settings) }
        return try ReadPlanner.plan(device, file: file, path: path)
    }
}
