import Synchronization

/// The first of several outcomes, handed to one waiter: whichever of `give` is called first wins,
/// later ones are ignored. What `withDeadline` and `ConnectionCloseWatch` build on to answer without
/// waiting for work that may never return (a postgres-nio statement written to a connection that
/// has closed under it never completes, and a task group would wait for it forever).
final class OneAnswer<Value: Sendable>: Sendable {
    private enum State: Sendable {
        case empty
        case waiting(CheckedContinuation<Value, any Error>)
        case answered(Result<Value, any Error>)
        case taken
    }

    private let state = Mutex(State.empty)

    /// Answers with `result` unless an answer was given before.
    func give(_ result: Result<Value, any Error>) {
        let waiter: CheckedContinuation<Value, any Error>? = state.withLock { state in
            switch state {
            case .empty:
                state = .answered(result)
                return nil
            case .waiting(let continuation):
                state = .taken
                return continuation
            case .answered, .taken:
                return nil
            }
        }
        waiter?.resume(with: result)
    }

    /// Answers with what `work` returns or throws (unless an answer was given before it ends).
    func give(from work: () async throws -> Value) async {
        do {
            give(.success(try await work()))
        } catch {
            give(.failure(error))
        }
    }

    /// Waits for the answer; called once.
    func value() async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            let ready: Result<Value, any Error>? = state.withLock { state in
                switch state {
                case .empty:
                    state = .waiting(continuation)
                    return nil
                case .answered(let result):
                    state = .taken
                    return result
                case .waiting, .taken:
                    preconditionFailure("OneAnswer.value() called twice")
                }
            }
            if let ready { continuation.resume(with: ready) }
        }
    }
}
