import Foundation

/// Everything one `hop-sim` run needs; every default is here. `validate()` names the bad option.
public struct SimConfiguration: Sendable {
    /// Modbus TCP server address (`--listen`); `nil` runs without Modbus.
    public var listen: Endpoint?
    /// Control interface address (`--control`), loopback only; `nil` disables it.
    public var control: Endpoint?
    /// Number of substations (`--substations`, 1…247, one unit id each).
    public var substations: Int
    /// Feeders per substation (`--feeders`, 1…64).
    public var feeders: Int
    /// PRNG seed (`--seed`).
    public var seed: UInt64
    /// Model time step, ms (`--step`, 100 ms…1 h).
    public var stepMs: Int64
    /// Scenario file (`--scenario`).
    public var scenarioPath: String?
    /// Hub base URL for the REST mode (`--post-to`).
    public var postTo: URL?
    /// File holding the hub API key (`--api-key-file`); required with `postTo`.
    public var apiKeyFile: String?
    /// REST mode posting interval, ms (`--interval`, ≥ 100 ms).
    public var postIntervalMs: Int64
    /// What the REST mode posts (`--post`, default all three).
    public var postKinds: Set<RestRecordKind>
    /// Whether seeded unscripted frequency excursions happen (`--no-natural-excursions` turns off).
    public var naturalExcursions: Bool
    /// Nominal bus voltage, kV (`--nominal-kv`).
    public var nominalKV: Double
    /// Substations also served as DNP3 outstations (`--dnp3`, repeatable).
    public var dnp3: [DNP3OutstationSpec]

    public init(
        listen: Endpoint? = nil, control: Endpoint? = nil, substations: Int = 5, feeders: Int = 4, seed: UInt64 = 1,
        stepMs: Int64 = 1_000, scenarioPath: String? = nil, postTo: URL? = nil, apiKeyFile: String? = nil,
        postIntervalMs: Int64 = 5_000, postKinds: Set<RestRecordKind> = Set(RestRecordKind.allCases),
        naturalExcursions: Bool = true, nominalKV: Double = 230, dnp3: [DNP3OutstationSpec] = []
    ) {
        self.dnp3 = dnp3
        self.listen = listen
        self.control = control
        self.substations = substations
        self.feeders = feeders
        self.seed = seed
        self.stepMs = stepMs
        self.scenarioPath = scenarioPath
        self.postTo = postTo
        self.apiKeyFile = apiKeyFile
        self.postIntervalMs = postIntervalMs
        self.postKinds = postKinds
        self.naturalExcursions = naturalExcursions
        self.nominalKV = nominalKV
    }

    /// Checks ranges and combinations before anything opens a socket.
    public func validate() throws(SimError) {
        guard listen != nil || postTo != nil || !dnp3.isEmpty else {
            throw SimError("give --listen HOST:PORT (Modbus server), --dnp3 SUBNNN=HOST:PORT and/or --post-to URL (REST mode)")
        }
        guard (1...247).contains(substations) else { throw SimError("--substations \(substations): must be 1…247") }
        guard (1...64).contains(feeders) else { throw SimError("--feeders \(feeders): must be 1…64") }
        guard (100...3_600_000).contains(stepMs) else { throw SimError("--step: must be 0.1 s…1 h") }
        guard postIntervalMs >= 100 else { throw SimError("--interval: must be at least 0.1 s") }
        guard nominalKV > 0, nominalKV <= 1_000 else { throw SimError("--nominal-kv \(nominalKV): must be 0…1000") }
        try validateDNP3()
        if let control, !control.isLoopback {
            throw SimError("--control \(control): the control interface has no authentication; use a 127.x address")
        }
        if let postTo {
            guard ["http", "https"].contains(postTo.scheme ?? ""), postTo.host != nil else {
                throw SimError("--post-to '\(postTo)': must be an http(s) URL")
            }
            guard apiKeyFile != nil else { throw SimError("--post-to needs --api-key-file") }
            guard !postKinds.isEmpty else { throw SimError("--post: name at least one of telemetry, events, outages") }
        }
    }

    /// Parses `--post telemetry,events,outages`.
    public static func postKinds(parsing text: String) throws(SimError) -> Set<RestRecordKind> {
        var kinds = Set<RestRecordKind>()
        for word in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) {
            guard let kind = RestRecordKind(rawValue: word) else {
                throw SimError("--post: '\(word)' is not one of telemetry, events, outages")
            }
            kinds.insert(kind)
        }
        return kinds
    }

    /// Reads the API key file (first non-empty line, trimmed).
    public func readAPIKey() throws(SimError) -> String {
        guard let path = apiKeyFile else { throw SimError("--post-to needs --api-key-file") }
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw SimError("--api-key-file \(path): cannot read: \(error.localizedDescription)")
        }
        guard let key = text.split(whereSeparator: \.isNewline).map({ $0.trimmingCharacters(in: .whitespaces) })
            .first(where: { !$0.isEmpty })
        else { throw SimError("--api-key-file \(path): empty") }
        return key
    }
}
