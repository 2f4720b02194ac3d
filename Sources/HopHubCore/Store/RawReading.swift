import HopChunks

/// One raw reading of a substation, from the head or a chunk: a store backend's raw read result
/// before it becomes an answer.
public struct RawReading: Sendable {
    public var feederID: String
    public var point: ChunkPoint

    public init(feederID: String, point: ChunkPoint) {
        self.feederID = feederID
        self.point = point
    }

    /// Per time, the mean frequency over the feeders that report one (the substation's frequency).
    /// `readings` are ordered by time.
    public static func frequencyByTime(_ readings: [RawReading]) -> [(ts: Int64, hz: Double)] {
        var result: [(ts: Int64, hz: Double)] = []
        var i = 0
        while i < readings.count {
            let ts = readings[i].point.ts
            var sum = 0.0, n = 0
            while i < readings.count, readings[i].point.ts == ts {
                if let f = readings[i].point.frequencyHz { sum += f; n += 1 }
                i += 1
            }
            if n > 0 { result.append((ts, sum / Double(n))) }
        }
        return result
    }
}
