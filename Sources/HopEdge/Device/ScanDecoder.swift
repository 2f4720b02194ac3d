/// Turns raw responses into a `ScanSample` using the plan's point placements; a point feeders
/// share gives its value to each of them. Pure.
public enum ScanDecoder {
    /// Adds the points of `response` to `sample`. Throws `.decode` when a value is not finite
    /// (e.g. a float32 NaN), naming the point and register.
    public static func decode(
        _ response: RawResponse, into sample: inout ScanSample, device: DeviceConfig, keepRaw: Bool = true
    ) throws(DeviceError) {
        let request = response.request
        for point in request.points {
            switch point.kind {
            case .analog(let spec):
                guard let value = RegisterDecoder.value(response.registers, at: point.offset, spec: spec) else {
                    throw DeviceError(
                        kind: .decode, device: device.name, unitID: device.unitID, request: request.label,
                        message: "\(device.describe(point.refs)) at \(spec.function.rawValue) \(point.address) "
                            + "is not a finite \(spec.type.rawValue) in order \(spec.order.rawValue)")
                }
                for ref in point.refs { sample.analog[ref] = value }
            case .breaker(let spec):
                let raw: Int
                if spec.function.isBit {
                    guard point.offset < response.bits.count else { continue }
                    raw = Int(response.bits[point.offset])
                } else {
                    guard point.offset < response.registers.count else { continue }
                    raw = Int(response.registers[point.offset])
                }
                for ref in point.refs { sample.breakers[ref.feeder] = raw == spec.closedValue }
            }
        }
        if keepRaw { sample.raw.append(response) }
    }
}
