/// Preparing points for ``ChunkEncoder``.
public enum ChunkPoints {
    /// `existing` and `new` combined, ordered by timestamp, one point per timestamp: the last
    /// write wins — a point of `new` replaces an `existing` point with the same timestamp, and
    /// within either array a later element replaces an earlier one. The whole point is replaced
    /// (its absent values are not filled from the older point).
    ///
    /// Neither input needs to be sorted; the result is ready for ``ChunkEncoder/encode(_:)``.
    public static func merge(_ existing: [ChunkPoint], _ new: [ChunkPoint]) -> [ChunkPoint] {
        let all = existing + new
        // Sort positions by (ts, position) so the last write of each timestamp comes last.
        let order = all.indices.sorted { a, b in
            all[a].ts != all[b].ts ? all[a].ts < all[b].ts : a < b
        }
        var merged = [ChunkPoint]()
        merged.reserveCapacity(all.count)
        for index in order {
            if let last = merged.last, last.ts == all[index].ts {
                merged[merged.count - 1] = all[index]
            } else {
                merged.append(all[index])
            }
        }
        return merged
    }

    /// `points` ordered by timestamp with one point per timestamp (the last one given wins).
    public static func normalized(_ points: [ChunkPoint]) -> [ChunkPoint] {
        merge([], points)
    }
}
