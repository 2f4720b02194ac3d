extension SimConfiguration {
    /// Each `--dnp3` names an existing substation once, on a port of its own.
    func validateDNP3() throws(SimError) {
        var substations = Set<Int>()
        var ports: [Endpoint: String] = [:]
        if let listen { ports[listen] = "--listen" }
        if let control { ports[control] = "--control" }
        for spec in dnp3 {
            guard spec.substation < self.substations else {
                throw SimError("--dnp3 \(spec): \(spec.substationName) does not exist (--substations \(self.substations))")
            }
            guard substations.insert(spec.substation).inserted else {
                throw SimError("--dnp3 \(spec): \(spec.substationName) is given twice")
            }
            let clash = ports.first { $0.key.port == spec.endpoint.port }?.value
            if let clash { throw SimError("--dnp3 \(spec): port \(spec.endpoint.port) is already used by \(clash)") }
            ports[spec.endpoint] = "--dnp3 \(spec.substationName)"
        }
    }
}
