import Foundation

/// A task executor backed by one dedicated thread. A device's poller runs on it, so libmodbus's
/// blocking calls never occupy the cooperative pool, a dead device stalls only its own thread, and
/// a poll needs no thread hop between the read and the code that uses its result.
public final class DeviceThread: TaskExecutor, @unchecked Sendable {
    // @unchecked: `jobs` is guarded by `condition`.
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []

    public init(name: String) {
        let thread = Thread { self.loop() }  // the thread keeps its executor alive for the process
        thread.name = name
        thread.start()
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    private func loop() {
        while true {
            condition.lock()
            while jobs.isEmpty { condition.wait() }
            let job = jobs.removeFirst()
            condition.unlock()
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}
