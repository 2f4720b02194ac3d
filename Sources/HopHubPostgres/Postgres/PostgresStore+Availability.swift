import HopHubCore
import NIOCore
import PostgresNIO
import _ConnectionPoolModule

/// Telling a lost database from a failed query: the hub answers the first with 503 + Retry-After
/// (the client retries; nothing was half-stored, each write being one transaction), the second
/// with 500.
extension PostgresStore: StoreAvailability {
    public var unavailable: StoreUnavailable? { primary.unavailable }

    public func unavailability(of error: any Error) -> StoreUnavailable? {
        Self.unavailability(of: error, store: settings.description, operation: nil)
    }

    /// SQLSTATEs that mean the server is going away, not yet taking connections, or not taking
    /// writes (a standby, or a primary demoted behind our back).
    static let unavailableStates: Set<String> = [
        "57P01",  // admin_shutdown
        "57P02",  // crash_shutdown
        "57P03",  // cannot_connect_now (starting up, shutting down, recovering)
        "25006",  // read_only_sql_transaction (a standby)
        "53300",  // too_many_connections
    ]

    static func unavailability(of error: any Error, store: String, operation: String?) -> StoreUnavailable? {
        switch error {
        case let already as StoreUnavailable:
            return already
        case let wrapped as PostgresStoreError:
            return unavailability(of: wrapped.underlying, store: store, operation: operation ?? wrapped.operation)
        case let psql as PSQLError:
            switch psql.code {
            case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown, .poolClosed,
                .sslUnsupported, .failedToAddSSLHandler:
                return StoreUnavailable(store: store, operation: operation, reason: PostgresStoreError.describe(psql))
            case .server:
                guard let state = psql.serverInfo?[.sqlState], state.hasPrefix("08") || unavailableStates.contains(state) else {
                    return nil
                }
                return StoreUnavailable(store: store, operation: operation, reason: PostgresStoreError.describe(psql))
            default:
                return nil
            }
        case let pool as ConnectionPoolError:
            return StoreUnavailable(store: store, operation: operation, reason: "connection pool: \(pool)")
        case let timeout as PostgresTimeout:
            return StoreUnavailable(store: store, operation: operation, reason: timeout.description)
        case let closed as PostgresConnectionClosed:
            return StoreUnavailable(store: store, operation: operation, reason: closed.description)
        case is ChannelError, is IOError:
            return StoreUnavailable(store: store, operation: operation, reason: "\(error)")
        default:
            return nil
        }
    }
}
