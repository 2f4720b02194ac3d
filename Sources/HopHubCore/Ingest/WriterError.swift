/// Why the group-commit writer did not take a write.
public enum WriterError: Error, Sendable, Equatable {
    /// Too many records are already waiting; the caller should retry later (503 + Retry-After).
    case saturated(queuedRecords: Int)
    /// The hub is shutting down and no longer accepts writes.
    case shuttingDown
}
