/// `body`'s result, or `PostgresTimeout` once `limit` has passed: `abandonable` with a deadline.
func withDeadline<T: Sendable>(_ limit: Duration, what: String, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await abandonable(deadline: (limit, what), body)
}

/// `body`'s result, in a task of its own that is cancelled — and no longer waited for — when the
/// caller is cancelled (the answer is then `CancellationError`) or when `deadline` has passed
/// (`PostgresTimeout`). A task group would wait for `body` to return, and a postgres-nio statement
/// written to a connection that closed under it never does: this is what lets such a wait end at
/// a deadline or at graceful shutdown.
func abandonable<T: Sendable>(
    deadline: (limit: Duration, what: String)? = nil, _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    let answer = OneAnswer<T>()
    let work = Task { await answer.give(from: body) }
    let timer = deadline.map { deadline in
        Task {
            try await Task.sleep(for: deadline.limit)
            answer.give(.failure(PostgresTimeout(waitingFor: deadline.what, limit: deadline.limit)))
            work.cancel()
        }
    }
    defer { timer?.cancel() }
    return try await withTaskCancellationHandler {
        try await answer.value()
    } onCancel: {
        work.cancel()
        answer.give(.failure(CancellationError()))
    }
}

/// Nothing came back in time.
struct PostgresTimeout: Error, CustomStringConvertible {
    var waitingFor: String
    var limit: Duration
    var description: String { "no answer within \(limit) waiting for \(waitingFor)" }
}
