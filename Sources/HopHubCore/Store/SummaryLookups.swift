import HopProtocol

/// What the executive summary reads beyond the query endpoints' queries.
public protocol SummaryLookups: Sendable {
    /// Substations with a device whose newest `COMM_FAIL`/`COMM_RESTORED` event since `since` is a
    /// `COMM_FAIL` (communication lost and not yet restored).
    func commFailSubstations(since: Int64, scope: SubstationScope) async throws -> Set<SubstationID>
    /// `FEEDER_TRIP` events since `since`, per substation.
    func tripCounts(since: Int64, scope: SubstationScope) async throws -> [SubstationID: Int]
}
