extension FeederConfig {
    /// Where the breaker status is read, for event messages: `discrete 10`, `g1 index 3`.
    public var breakerLocation: String {
        if let b = dnp3Map?.breaker { return "g\(b.group) index \(b.index)" }
        return map.breaker.map { "\($0.function.rawValue) \($0.address)" } ?? "breaker"
    }
}
