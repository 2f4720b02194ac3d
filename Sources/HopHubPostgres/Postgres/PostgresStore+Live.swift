import HopHubCore
import HopProtocol

extension PostgresStore: LiveLookups {
    public func newestEventID() async throws -> Int64 { throw PostgresNotImplemented() }
    public func events(afterID: Int64, receivedSince: Int64, limit: Int) async throws -> [EventRecord] { throw PostgresNotImplemented() }
    public func outages(ids: Set<OutageID>) async throws -> [OutageRecord] { throw PostgresNotImplemented() }
    public func edges(ids: Set<EdgeID>) async throws -> [EdgeRecord] { throw PostgresNotImplemented() }
}

extension PostgresStore: SummaryLookups {
    public func commFailSubstations(since: Int64, scope: SubstationScope) async throws -> Set<SubstationID> { throw PostgresNotImplemented() }
    public func tripCounts(since: Int64, scope: SubstationScope) async throws -> [SubstationID: Int] { throw PostgresNotImplemented() }
}
