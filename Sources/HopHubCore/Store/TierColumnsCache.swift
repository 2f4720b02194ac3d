import HopChunks
import Synchronization

/// Decoded ten-minute tier rows of one quantity, kept between reads. A tier row of a closed day
/// changes only when compaction or retention rewrites it, yet a dashboard asks for the same week
/// every few seconds: decoding it every time was most of a long-range frequency read. An entry is
/// used only while the row is the one it was decoded from (its stored bytes, or the database's
/// version of the row where the store has one), so an answer is always the one decoding would
/// give; a rewritten row is decoded again. At most `capacity` rows are kept (about 10 KB each);
/// past it the least recently used quarter is dropped.
public final class TierColumnsCache: Sendable {
    public struct Key: Hashable, Sendable {
        public var substation: String
        public var feeder: String
        public var day: Int64
        public var column: ChunkColumn

        public init(substation: String, feeder: String, day: Int64, column: ChunkColumn) {
            self.substation = substation
            self.feeder = feeder
            self.day = day
            self.column = column
        }
    }

    /// What identifies the row an entry was decoded from.
    private enum Identity: Equatable {
        /// The row's stored bytes.
        case bytes([UInt8])
        /// A version the database gives each write of the row (PostgreSQL: the row's `xmin`).
        case version(Int64)
    }

    private struct Entry {
        var identity: Identity
        var columns: QuantityColumns
        var used: UInt64
    }

    private struct State {
        var entries: [Key: Entry] = [:]
        var clock: UInt64 = 0
    }

    public let capacity: Int
    private let state = Mutex(State())

    public init(capacity: Int = 4096) {
        self.capacity = max(1, capacity)
    }

    public var count: Int { state.withLock { $0.entries.count } }

    /// The row's columns: from the cache when `bytes` are the ones it was decoded from, else
    /// decoded by `decode` (an error is passed on and nothing is kept).
    public func columns(_ key: Key, bytes: [UInt8], decode: ([UInt8]) throws(ChunkError) -> QuantityColumns) throws(ChunkError)
        -> QuantityColumns
    {
        if let cached = lookup(key, .bytes(bytes)) { return cached }
        let columns = try decode(bytes)
        keep(columns, key, .bytes(bytes))
        return columns
    }

    /// The columns decoded from version `version` of the row, if they are kept.
    public func columns(_ key: Key, version: Int64) -> QuantityColumns? {
        lookup(key, .version(version))
    }

    /// Keeps `columns`, decoded from version `version` of the row.
    public func keep(_ columns: QuantityColumns, _ key: Key, version: Int64) {
        keep(columns, key, .version(version))
    }

    private func lookup(_ key: Key, _ identity: Identity) -> QuantityColumns? {
        state.withLock { state -> QuantityColumns? in
            guard let entry = state.entries[key], entry.identity == identity else { return nil }
            state.clock += 1
            state.entries[key]?.used = state.clock
            return entry.columns
        }
    }

    private func keep(_ columns: QuantityColumns, _ key: Key, _ identity: Identity) {
        state.withLock { state in
            if state.entries[key] == nil && state.entries.count >= capacity {
                let oldest = state.entries.sorted { $0.value.used < $1.value.used }.prefix(max(1, capacity / 4))
                for (old, _) in oldest { state.entries[old] = nil }
            }
            state.clock += 1
            state.entries[key] = Entry(identity: identity, columns: columns, used: state.clock)
        }
    }
}

extension TierColumnsCache {
    /// A ten-minute tier row's statistics of `key.column`, decoded column-wise: through `cache`
    /// when one is given, else decoded now (what both stores' frequency reads do with a tier row).
    public static func periods(_ bytes: [UInt8], _ key: Key, cache: TierColumnsCache?) throws(ChunkError) -> QuantityColumns {
        let decode = { (bytes: [UInt8]) throws(ChunkError) in
            try PeriodStatsCodec.columns(bytes, only: key.column, widthMs: MinuteStats.tenMinutesMs)
        }
        guard let cache else { return try decode(bytes) }
        return try cache.columns(key, bytes: bytes, decode: decode)
    }
}
