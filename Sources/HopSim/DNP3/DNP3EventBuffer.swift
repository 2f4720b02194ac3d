import HopDNP3

/// The class 1 events of one outstation: breaker changes waiting for a master's confirm. An event
/// leaves the buffer only when the response (or unsolicited response) that carried it is
/// confirmed; until then it is "in flight" and not sent in another response.
struct DNP3EventBuffer: Sendable {
    /// How many events the buffer holds; beyond it the oldest go and EVENT_BUFFER_OVERFLOW is set.
    static let capacity = 256

    struct Entry: Sendable, Hashable {
        var id: Int
        var event: BinaryEvent
        var carrier: Carrier?
    }

    /// Which response carries an event while it waits for the confirm.
    enum Carrier: Sendable, Hashable {
        case solicited(UInt8)
        case unsolicited(UInt8)
    }

    private(set) var entries: [Entry] = []
    private(set) var overflowed = false
    private var nextID = 0

    var isEmpty: Bool { entries.isEmpty }

    mutating func append(_ event: BinaryEvent) {
        entries.append(Entry(id: nextID, event: event, carrier: nil))
        nextID += 1
        if entries.count > Self.capacity {
            entries.removeFirst()
            overflowed = true
        }
    }

    /// Marks up to `limit` events not in flight as carried by `carrier` and returns them, oldest first.
    mutating func take(upTo limit: Int, for carrier: Carrier) -> [BinaryEvent] {
        var out: [BinaryEvent] = []
        for i in entries.indices where entries[i].carrier == nil && out.count < limit {
            entries[i].carrier = carrier
            out.append(entries[i].event)
        }
        return out
    }

    /// The events `carrier` carries, in order.
    func carried(by carrier: Carrier) -> [BinaryEvent] { entries.filter { $0.carrier == carrier }.map(\.event) }

    /// The confirm of `carrier` arrived: its events are delivered.
    mutating func confirm(_ carrier: Carrier) { entries.removeAll { $0.carrier == carrier } }

    /// `carrier` will not be confirmed (a new request came first): its events can be sent again.
    mutating func release(_ carrier: Carrier) {
        for i in entries.indices where entries[i].carrier == carrier { entries[i].carrier = nil }
    }

    /// Whether any event waits to be sent.
    var hasUnsent: Bool { entries.contains { $0.carrier == nil } }
}
