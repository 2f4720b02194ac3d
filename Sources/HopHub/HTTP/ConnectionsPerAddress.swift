import HopHubCore
import HopHubSQLite
import NIOConcurrencyHelpers

/// Open connections per peer address, shared by every event loop of the server.
///
/// A lock, not an actor: the count is taken in a channel's synchronous set-up on its event loop,
/// where awaiting an actor would let the connection be served before it is counted.
final class ConnectionsPerAddress: Sendable {
    let limit: Int
    /// Addresses never counted (trusted proxies, which carry every client's connections).
    let exempt: Set<String>
    private let counts = NIOLockedValueBox<[String: Int]>([:])

    init(limit: Int, exempt: Set<String>) {
        self.limit = limit
        self.exempt = exempt
    }

    /// Counts a new connection from `address`; false (and not counted) when the address already
    /// holds `limit` connections.
    func open(_ address: String) -> Bool {
        guard !exempt.contains(address) else { return true }
        return counts.withLockedValue { counts in
            let current = counts[address, default: 0]
            guard current < limit else { return false }
            counts[address] = current + 1
            return true
        }
    }

    /// Forgets a connection `open` counted.
    func close(_ address: String) {
        guard !exempt.contains(address) else { return }
        counts.withLockedValue { counts in
            let remaining = counts[address, default: 1] - 1
            counts[address] = remaining > 0 ? remaining : nil
        }
    }

    /// Connections currently counted for `address`.
    func count(_ address: String) -> Int {
        counts.withLockedValue { $0[address, default: 0] }
    }
}
