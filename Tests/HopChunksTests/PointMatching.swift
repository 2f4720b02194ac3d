import HopChunks

/// The first difference between two point lists, comparing doubles bit for bit; nil if equal.
func firstDifference(_ decoded: [ChunkPoint], _ original: [ChunkPoint]) -> String? {
    guard decoded.count == original.count else { return "count \(decoded.count) ≠ \(original.count)" }
    for i in original.indices {
        let a = decoded[i]
        let b = original[i]
        if a.ts != b.ts { return "point \(i): ts \(a.ts) ≠ \(b.ts)" }
        for column in ChunkColumn.allCases where a[column]?.bitPattern != b[column]?.bitPattern {
            return "point \(i) \(column): \(String(describing: a[column])) ≠ \(String(describing: b[column]))"
        }
    }
    return nil
}
