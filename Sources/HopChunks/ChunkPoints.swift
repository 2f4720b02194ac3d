/// Preparing points for ``ChunkEncoder``.
public enum ChunkPoints {
    /// `existing` and `new` combined, ordered by timestamp, one point per timestamp: the last
    /// write wins — a point of `new` replaces an `existing` point with the same timestamp, and
    /// within either array a later element replaces an earlier one. The whole point is replaced
    /// (its absent values are not filled from the older point).
    ///
    /// Neither input needs to be sorted; the result is ready for ``ChunkEncoder/encode(_:)``.
    public static func merge(_ existing: [ChunkPoint], _ new: [ChunkPoint]) -> [ChunkPoint] {
        // Compaction's usual case: a decoded chunk and head rows read in key order, both already
        // strictly ordered, merged in one linear pass.
        if isStrictlyOrdered(existing), isStrictlyOrdered(new) { return mergeOrdered(existing, new) }
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

    static func isStrictlyOrdered(_ points: [ChunkPoint]) -> Bool {
        var previous = Int64.min
        for (i, p) in points.enumerated() {
            if i > 0, p.ts <= previous { return false }
            previous = p.ts
        }
        return true
    }

    /// Two strictly ordered arrays merged; on an equal timestamp the point of `new` is kept.
    static func mergeOrdered(_ existing: [ChunkPoint], _ new: [ChunkPoint]) -> [ChunkPoint] {
        if existing.isEmpty { return new }
        if new.isEmpty { return existing }
        if existing[existing.count - 1].ts < new[0].ts { return existing + new }
        var merged = [ChunkPoint]()
        merged.reserveCapacity(existing.count + new.count)
        var i = 0
        var j = 0
        while i < existing.count, j < new.count {
            let a = existing[i]
            let b = new[j]
            if a.ts < b.ts {
                merged.append(a)
                i += 1
            } else {
                merged.append(b)
                j += 1
                if a.ts == b.ts { i += 1 }
            }
        }
        merged += existing[i...]
        merged += new[j...]
        return merged
    }

    /// `points` ordered by timestamp with one point per timestamp (the last one given wins).
    public static func normalized(_ points: [ChunkPoint]) -> [ChunkPoint] {
        merge([], points)
    }
}
