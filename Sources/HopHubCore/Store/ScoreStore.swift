import HopProtocol

/// One substation's recent frequency readings, oldest first, as the scorer reads them.
public struct FrequencyWindow: Sendable, Hashable {
    public var substationID: SubstationID
    /// Source time of the latest reading (ms).
    public var latestTs: Int64
    public var readings: [Double]

    public init(substationID: SubstationID, latestTs: Int64, readings: [Double]) {
        self.substationID = substationID
        self.latestTs = latestTs
        self.readings = readings
    }
}

/// A score ready to store (the seed's seven fields, the pass time and the substation).
public struct StoredScore: Sendable, Hashable {
    public var ts: Int64
    public var substationID: SubstationID
    public var result: ZScoreModel.Result

    public init(ts: Int64, substationID: SubstationID, result: ZScoreModel.Result) {
        self.ts = ts
        self.substationID = substationID
        self.result = result
    }
}

/// What the scorer needs from a store.
public protocol ScoreStore: Sendable {
    /// For every known substation (the `substations` table), its last `size` frequency readings by
    /// source time. Several feeders of one substation reporting the same timestamp count as one
    /// reading: their average. Substations with no reading newer than `freshSince` are left out.
    func frequencyWindows(size: Int, freshSince: Int64) async throws -> [FrequencyWindow]
    /// Writes one pass's scores in one transaction (a rerun at the same `ts` replaces), with a pending
    /// alert row (`alert_pending_scores`) for each score `AlertCandidate.from` takes as an ANOMALY.
    func writeScores(_ scores: [StoredScore]) async throws
}

/// Coordination between hub processes sharing one database: a named lease with a holder and an
/// expiry, so exactly one process runs a periodic job (a row in `job_leases` on both backends:
/// SQLite takes it in an immediate write transaction, PostgreSQL with one conditional upsert).
public protocol LeaseStore: Sendable {
    /// Takes or renews `name` for `holder` until `now + ttlMs`. True when `holder` holds it now:
    /// the lease was free, expired, or already held by `holder`.
    func acquireLease(_ name: String, holder: String, now: Int64, ttlMs: Int64) async throws -> Bool
}
