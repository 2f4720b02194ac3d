import HopProtocol

/// What the live feed reads back after a commit: rows in the shapes the query endpoints answer
/// with (event ids, merged outage state, edge bookkeeping), so a pushed item equals a fetched one.
public protocol LiveLookups: Sendable {
    /// The newest event id (0 when there are none): the feed's starting point.
    func newestEventID() async throws -> Int64
    /// Events with `id > afterID` received at or after `receivedSince`, oldest first, at most `limit`.
    func events(afterID: Int64, receivedSince: Int64, limit: Int) async throws -> [EventRecord]
    /// The stored (merged) state of these outages, resolved ones included.
    func outages(ids: Set<OutageID>) async throws -> [OutageRecord]
    /// The stored bookkeeping of these edges, unfiltered.
    func edges(ids: Set<EdgeID>) async throws -> [EdgeRecord]
    /// Public ids of the API keys not revoked (a rotated key has a new id): streams opened with any
    /// other key id are ended.
    func activeKeyIDs() async throws -> Set<String>
    /// Those of `idHashes` whose portal session still exists, is before its absolute end
    /// (`expires_at > now`), was used since `idleBefore` (`last_seen > idleBefore`) and whose user is active.
    func liveSessionHashes(among idHashes: Set<String>, now: Int64, idleBefore: Int64) async throws -> Set<String>
}
