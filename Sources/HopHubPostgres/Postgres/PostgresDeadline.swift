/// `body`'s result, or `PostgresTimeout` once `limit` has passed (`body` is then cancelled, and must
/// honour it: the answer waits for `body` to return). postgres-nio's connection attempts and pool
/// requests do.
func withDeadline<T: Sendable>(_ limit: Duration, what: String, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: limit)
            throw PostgresTimeout(waitingFor: what, limit: limit)
        }
        defer { group.cancelAll() }
        return try await group.next()!
    }
}

/// Nothing came back in time.
struct PostgresTimeout: Error, CustomStringConvertible {
    var waitingFor: String
    var limit: Duration
    var description: String { "no answer within \(limit) waiting for \(waitingFor)" }
}
