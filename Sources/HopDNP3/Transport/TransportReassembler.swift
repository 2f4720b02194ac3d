/// Rebuilds application fragments from transport segments. A segment with FIR starts a new
/// fragment (dropping any unfinished one); a segment without FIR must carry the next sequence
/// number or the fragment is abandoned; FIN completes it.
public struct TransportReassembler: Sendable {
    /// Largest fragment accepted; a longer one is abandoned.
    public let maxFragment: Int
    private var pending: [UInt8]?
    private var nextSequence: UInt8 = 0
    /// Segments discarded so far (out of sequence, no FIR, oversized).
    public private(set) var discarded = 0

    public init(maxFragment: Int = 8192) { self.maxFragment = maxFragment }

    /// Adds one segment (link user data); returns a fragment when this segment completes one.
    public mutating func receive(_ segment: [UInt8]) -> [UInt8]? {
        guard let header = segment.first else {
            discarded += 1
            return nil
        }
        let fin = header & 0x80 != 0, fir = header & 0x40 != 0, seq = header & 0x3F
        let payload = segment.dropFirst()
        if fir {
            if pending != nil { discarded += 1 }
            pending = Array(payload)
        } else {
            guard pending != nil, seq == nextSequence else {
                discarded += 1
                pending = nil
                return nil
            }
            pending! += payload
        }
        nextSequence = (seq + 1) & 0x3F
        guard pending!.count <= maxFragment else {
            discarded += 1
            pending = nil
            return nil
        }
        guard fin else { return nil }
        defer { pending = nil }
        return pending
    }

    /// Forgets an unfinished fragment.
    public mutating func reset() { pending = nil }
}
