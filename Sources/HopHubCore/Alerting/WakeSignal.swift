/// Wakes a polling service at once instead of at its next poll: the outbox service when the engine
/// queues a mail, the pending-alert service when ingest commits a candidate. Rings while nobody
/// waits are remembered (coalesced into one).
public actor WakeSignal {
    private var rung = false
    private var waiter: (id: UInt64, continuation: CheckedContinuation<Void, Never>)?
    private var nextID: UInt64 = 0

    public init() {}

    public func ring() {
        if let waiter {
            self.waiter = nil
            waiter.continuation.resume()
        } else {
            rung = true
        }
    }

    /// Returns when rung, after `timeout`, or when the task is cancelled, whichever comes first.
    public func wait(upTo timeout: Duration) async {
        if rung {
            rung = false
            return
        }
        nextID += 1
        let id = nextID
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                if Task.isCancelled {
                    continuation.resume()
                    return
                }
                waiter = (id, continuation)
                Task { [weak self] in
                    try? await Task.sleep(for: timeout)
                    await self?.expire(id)
                }
            }
        } onCancel: {
            Task { [weak self] in await self?.expire(id) }
        }
    }

    private func expire(_ id: UInt64) {
        guard let waiter, waiter.id == id else { return }
        self.waiter = nil
        waiter.continuation.resume()
    }
}

/// The signal that wakes `OutboxService` when a mail is queued.
public typealias OutboxSignal = WakeSignal
