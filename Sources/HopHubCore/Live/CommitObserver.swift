/// Told about writes once their transaction has committed; must return at once (it runs on the
/// group-commit writer). `LiveFeed` is the hub's observer.
public protocol CommitObserver: Sendable {
    func committed(_ writes: [IngestWrite])
}

extension LiveFeed: CommitObserver {
    public nonisolated func committed(_ writes: [IngestWrite]) { publishCommitted(writes) }
}
