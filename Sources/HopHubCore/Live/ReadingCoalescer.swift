import HopProtocol

/// At most one `reading` per substation+feeder per interval: the first goes out at once, later
/// ones within the interval wait and only the newest is sent when the interval has passed.
/// Readings older than one already sent for the same key (edge journal backfill) are not live news
/// and are skipped.
struct ReadingCoalescer {
    struct Key: Hashable {
        var substation: SubstationID
        var feeder: String
    }

    private var lastSent: [Key: ContinuousClock.Instant] = [:]
    private var newestTs: [Key: Int64] = [:]
    private var pending: [Key: LatestReading] = [:]

    /// Takes one committed reading; returns it when it should go out now.
    mutating func offer(_ t: StoredTelemetry, now: ContinuousClock.Instant, interval: Duration) -> LatestReading? {
        offer(LatestReading(t), now: now, interval: interval)
    }

    /// Takes one reading committed here or by another replica; returns it when it should go out now.
    mutating func offer(_ reading: LatestReading, now: ContinuousClock.Instant, interval: Duration) -> LatestReading? {
        let key = Key(substation: reading.substationID, feeder: reading.feederID?.rawValue ?? "")
        let ts = reading.time.epochMilliseconds
        if let newest = newestTs[key], ts < newest { return nil }
        newestTs[key] = ts
        if let sent = lastSent[key], now - sent < interval {
            pending[key] = reading
            return nil
        }
        lastSent[key] = now
        pending[key] = nil
        return reading
    }

    /// Readings whose interval has passed; also forgets keys idle for a long time.
    mutating func due(now: ContinuousClock.Instant, interval: Duration) -> [LatestReading] {
        var out: [LatestReading] = []
        for (key, reading) in pending where lastSent[key].map({ now - $0 >= interval }) ?? true {
            out.append(reading)
            lastSent[key] = now
            pending[key] = nil
        }
        if lastSent.count > 4096 {
            lastSent = lastSent.filter { now - $0.value < interval * 4 || pending[$0.key] != nil }
        }
        return out
    }
}
