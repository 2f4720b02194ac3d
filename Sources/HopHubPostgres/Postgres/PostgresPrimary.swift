import HopHubCore
import Logging
import PostgresNIO
import Synchronization

/// The connection pool the store uses now: one `PostgresClient` on the server that takes writes,
/// replaced by a new one when that server is lost (`PostgresPrimaryWatch`). Replacing ends the old
/// pool's run task, which fails the requests still waiting on it at once (they become 503s and are
/// retried) instead of leaving them queued for a connection that will not come back.
final class PostgresPrimary: Sendable {
    struct Current: Sendable {
        var client: PostgresClient
        var running: Task<Void, Never>
        var endpoint: PostgresEndpoint
    }

    private struct State: Sendable {
        var current: Current
        /// Set from the moment the primary is found lost until a new one is installed.
        var unavailable: StoreUnavailable?
    }

    private let state: Mutex<State>
    /// Ends transactions whose connection closes under them (one for every pool this installs).
    let closes = ConnectionCloseWatch()
    private let settings: PostgresSettings
    private let logger: Logger

    /// Starts a pool on `endpoint`.
    init(settings: PostgresSettings, endpoint: PostgresEndpoint, logger: Logger) throws {
        self.settings = settings
        self.logger = logger
        state = Mutex(State(current: try Self.start(settings: settings, endpoint: endpoint, logger: logger)))
    }

    var client: PostgresClient { state.withLock { $0.current.client } }
    var endpoint: PostgresEndpoint { state.withLock { $0.current.endpoint } }
    var unavailable: StoreUnavailable? { state.withLock { $0.unavailable } }

    /// Records that the primary is lost (requests answer 503 from now on) and ends the current
    /// pool, failing what waits on it. Returns false when it was already marked.
    @discardableResult
    func lost(_ reason: StoreUnavailable) -> Bool {
        var first = false
        var running: Task<Void, Never>?
        state.withLock { state in
            first = state.unavailable == nil
            state.unavailable = reason
            running = state.current.running
        }
        running?.cancel()
        return first
    }

    /// Starts a pool on `endpoint` and makes it current; the previous pool is ended.
    func install(_ endpoint: PostgresEndpoint) throws {
        let next = try Self.start(settings: settings, endpoint: endpoint, logger: logger)
        var previous: Current?
        state.withLock { state in
            previous = state.current
            state.current = next
            state.unavailable = nil
        }
        previous?.running.cancel()
    }

    /// Ends the current pool and waits for it, at most `limit` (the pool waits for its leased
    /// connections, and one may be held by a statement that never returns).
    func close(limit: Duration = .seconds(10)) async {
        let running = state.withLock { $0.current.running }
        running.cancel()
        do {
            try await withDeadline(limit, what: "the connection pool to close") { await running.value }
        } catch {
            logger.warning("PostgreSQL pool did not close in time; stopping without it", metadata: ["error": "\(error)"])
        }
    }

    private static func start(settings: PostgresSettings, endpoint: PostgresEndpoint, logger: Logger) throws -> Current {
        var one = settings
        one.endpoints = [endpoint]
        let client = PostgresClient(configuration: try PostgresStore.clientConfiguration(one), backgroundLogger: logger)
        return Current(client: client, running: Task { await client.run() }, endpoint: endpoint)
    }
}
