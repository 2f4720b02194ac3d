import Foundation
import Testing

/// Waiting helpers shared by the Swift test targets.

/// How long, in real time, a test waits for something its virtual clock makes happen in milliseconds.
/// Generous on a loaded machine; reached only by a regression, which then fails one test instead of
/// hanging the whole suite.
public let testWaitLimit: Duration = .seconds(30)

/// Yields until `condition` holds; fails the test (and throws) when it does not within `timeout`.
public func waitUntil(
    _ what: String, timeout: Duration = testWaitLimit, sourceLocation: SourceLocation = #_sourceLocation,
    _ condition: () async throws -> Bool
) async throws {
    let clock = ContinuousClock()
    let deadline = clock.now.advanced(by: timeout)
    while try await !condition() {
        let beforeDeadline = clock.now < deadline
        try #require(beforeDeadline, "timed out after \(timeout) waiting for \(what)", sourceLocation: sourceLocation)
        // A short real sleep, not a bare yield: spinning waiters in parallel tests would starve the
        // cooperative threads the awaited work needs.
        try await Task.sleep(for: .milliseconds(1))
    }
}

/// The result of `operation`, or a test failure (thrown) when it does not finish within `timeout`.
/// The operation runs in a task of its own, so one that never returns (a loop deaf to cancellation)
/// is left behind instead of holding the test.
public func finish<T: Sendable>(
    _ what: String, timeout: Duration = testWaitLimit, sourceLocation: SourceLocation = #_sourceLocation,
    _ operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    let first = FirstResult<T>()
    let finished: Result<T, any Error>? = await withCheckedContinuation { continuation in
        first.deliver(to: continuation)
        Task {
            do { first.resolve(.success(try await operation())) } catch { first.resolve(.failure(error)) }
        }
        Task {
            try? await Task.sleep(for: timeout)
            first.resolve(nil)
        }
    }
    let result = try #require(finished, "\(what) did not finish within \(timeout)", sourceLocation: sourceLocation)
    return try result.get()
}

/// Resumes a continuation with whichever of the operation and the timer ends first.
private final class FirstResult<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<Result<T, any Error>?, Never>?

    func deliver(to continuation: CheckedContinuation<Result<T, any Error>?, Never>) {
        lock.withLock { self.continuation = continuation }
    }

    func resolve(_ result: Result<T, any Error>?) {
        let waiting = lock.withLock {
            defer { continuation = nil }
            return continuation
        }
        waiting?.resume(returning: result)
    }
}
