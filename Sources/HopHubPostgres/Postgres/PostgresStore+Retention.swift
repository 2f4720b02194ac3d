import HopHubCore
import PostgresNIO

extension PostgresStore {
    public func applyRetention(rawBefore: Int64, rollupBefore: Int64, eventsBefore: Int64, scoresBefore: Int64) async throws
        -> RetentionReport
    {
        throw PostgresNotImplemented()
    }
}
