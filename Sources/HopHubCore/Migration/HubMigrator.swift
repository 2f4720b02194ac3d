import Foundation

/// Copies the hub's state from one store to another (`hop-hub migrate`): table by table in key
/// order, in batches each committed with its progress marker (so a run stopped at any point
/// resumes after the last committed batch), then moves identity sequences past the copied ids and
/// compares every table's row count and checksum on both sides.
public struct HubMigrator: Sendable {
    /// How the migration runs.
    public struct Options: Sendable {
        /// Rows per batch (one read, one INSERT and one commit).
        public var batchSize = 5000
        /// Copy even when the target's tables hold rows (they are kept; the source's are added).
        public var intoNonEmpty = false
        /// Only verify what earlier runs copied.
        public var verifyOnly = false
        /// Test seam: stop with `MigrationError.interrupted` after this many committed batches.
        public var stopAfterBatches: Int?

        public init(batchSize: Int = 5000, intoNonEmpty: Bool = false, verifyOnly: Bool = false, stopAfterBatches: Int? = nil) {
            self.batchSize = batchSize
            self.intoNonEmpty = intoNonEmpty
            self.verifyOnly = verifyOnly
            self.stopAfterBatches = stopAfterBatches
        }
    }

    let source: any MigrationSource
    let target: any MigrationTarget
    let options: Options
    let observe: @Sendable (MigrationEvent) -> Void

    public init(
        source: any MigrationSource, target: any MigrationTarget, options: Options = Options(),
        observe: @escaping @Sendable (MigrationEvent) -> Void = { _ in }
    ) {
        self.source = source
        self.target = target
        self.options = options
        self.observe = observe
    }

    /// Runs the copy (unless `verifyOnly`) and the verification. Throws `MigrationError` when it
    /// cannot start or was interrupted; a failed verification is in the report (`mismatches`).
    public func run() async throws -> MigrationReport {
        let started = ContinuousClock.now
        var report = MigrationReport(source: source.description, target: target.description)
        for table in MigrationTables.skipped { report.skipped[table.name] = table.reason }
        try await checkSourceTables()
        var markers = try await target.progress()
        if let other = markers.values.first(where: { $0.source != source.description }) {
            throw MigrationError.otherSource(target: target.description, recorded: other.source, source: source.description)
        }
        if !options.verifyOnly {
            markers = try await startMarkers(markers)
            var batches = 0
            for table in MigrationTables.copied where !Self.isLeftOut(table, markers) {
                guard let marker = markers[table.name], !marker.finished else { continue }
                report.copies.append(try await copy(table, from: marker, batches: &batches))
            }
            for table in MigrationTables.copied where table.identity != nil { try await target.advanceIdentity(table) }
        }
        for table in MigrationTables.verified {
            let check =
                Self.isLeftOut(table, markers)
                ? try await leftOut(table)
                : try await verify(table, rowsBefore: markers[table.name]?.rowsBefore ?? 0)
            observe(.checked(check))
            report.checks.append(check)
        }
        report.seconds = Self.seconds(since: started)
        return report
    }

    /// Every source table is either copied, derived or skipped, and every copied one is there.
    func checkSourceTables() async throws {
        let names = try await source.tableNames()
        let known = Set(MigrationTables.verified.map(\.name) + MigrationTables.skipped.map(\.name))
        let unknown = names.subtracting(known).sorted()
        guard unknown.isEmpty else { throw MigrationError.unknownTables(unknown) }
        let missing = MigrationTables.verified.map(\.name).filter { !names.contains($0) }
        guard missing.isEmpty else { throw MigrationError.missingTables(missing) }
    }

    /// Markers for every table; on a first run, after checking the target is empty (or allowed not to be).
    func startMarkers(_ existing: [String: MigrationProgress]) async throws -> [String: MigrationProgress] {
        var fresh: [MigrationProgress] = []
        var occupied: [MigrationError.TableCount] = []
        for table in MigrationTables.verified where existing[table.name] == nil {
            let rows = try await target.count(table)
            let isCopied = MigrationTables.copied.contains(table)
            if rows > 0 && isCopied { occupied.append(.init(table: table.name, rows: rows)) }
            fresh.append(MigrationProgress(table: table.name, source: source.description, rowsBefore: rows))
        }
        if !occupied.isEmpty && !options.intoNonEmpty { throw MigrationError.nonEmptyTarget(occupied) }
        guard !fresh.isEmpty else { return existing }
        try await target.start(fresh)
        return try await target.progress()
    }

    /// Copies the rows of `table` after its marker, batch by batch, reading the next batch while
    /// the current one is written.
    func copy(_ table: MigrationTable, from start: MigrationProgress, batches: inout Int) async throws -> MigrationReport.Copy {
        let began = ContinuousClock.now
        let total = try await source.count(table)
        observe(.copying(table: table.name, sourceRows: total, alreadyCopied: start.rowsCopied))
        var marker = start
        var copied = 0
        var pending = try await source.rows(table, after: marker.lastKey, limit: options.batchSize)
        while true {
            let key = pending.last.map { table.key(of: $0) }
            let after = pending.count == options.batchSize ? key : nil
            async let next = nextBatch(table, after: after)
            marker.lastKey = key ?? marker.lastKey
            marker.rowsCopied += pending.count
            marker.finished = pending.count < options.batchSize
            try await target.write(pending, into: table, marker: marker)
            copied += pending.count
            let rate = Double(copied) / max(Self.seconds(since: began), 0.001)
            if !pending.isEmpty {
                batches += 1
                observe(.batch(table: table.name, copied: marker.rowsCopied, sourceRows: total, rowsPerSecond: rate))
            }
            if let limit = options.stopAfterBatches, batches >= limit { throw MigrationError.interrupted(batches: batches) }
            if marker.finished { break }
            pending = try await next
        }
        let result = MigrationReport.Copy(
            table: table.name, sourceRows: total, copiedRows: copied, seconds: Self.seconds(since: began))
        observe(.copied(result))
        return result
    }

    /// Whether `table` is not copied because its parent table held rows on the target before the
    /// first run: its references might name other rows there.
    static func isLeftOut(_ table: MigrationTable, _ markers: [String: MigrationProgress]) -> Bool {
        guard let parent = table.parent else { return false }
        return (markers[parent]?.rowsBefore ?? 0) > 0
    }

    /// The check of a table left out: both counts, reported as not copied (not a mismatch).
    func leftOut(_ table: MigrationTable) async throws -> MigrationReport.Check {
        let ours = try await source.count(table)
        let theirs = try await target.count(table)
        return MigrationReport.Check(
            table: table.name, mode: .notCopied, sourceRows: ours, targetRows: theirs, sourceChecksum: "", targetChecksum: "",
            matches: true)
    }

    /// The batch after `key`; none when `key` is nil (the last batch was short: there is no more).
    func nextBatch(_ table: MigrationTable, after key: [MigrationValue]?) async throws -> [[MigrationValue]] {
        guard let key else { return [] }
        return try await source.rows(table, after: key, limit: options.batchSize)
    }

    /// Compares `table` on both sides: equal counts and checksums, or, when the target held rows
    /// before the copy, every source row present on the target.
    func verify(_ table: MigrationTable, rowsBefore: Int) async throws -> MigrationReport.Check {
        async let theirs = target.checksum(table)
        let ours = try await source.checksum(table)
        let targetSum = try await theirs
        guard rowsBefore > 0 else {
            return MigrationReport.Check(
                table: table.name, mode: .equal, sourceRows: ours.rows, targetRows: targetSum.rows, sourceChecksum: ours.hex,
                targetChecksum: targetSum.hex, matches: ours == targetSum)
        }
        let missing = try await target.missing(try await source.digests(table), in: table)
        return MigrationReport.Check(
            table: table.name, mode: .contains, sourceRows: ours.rows, targetRows: targetSum.rows, sourceChecksum: ours.hex,
            targetChecksum: targetSum.hex, missingRows: missing, matches: missing == 0)
    }
}

extension HubMigrator {
    static func seconds(since start: ContinuousClock.Instant) -> Double { (ContinuousClock.now - start).inSeconds }
}
