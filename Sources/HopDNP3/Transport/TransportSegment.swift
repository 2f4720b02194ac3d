/// The transport function: one header octet (FIN, FIR, 6-bit sequence) in front of up to 249
/// bytes of an application fragment, one segment per link frame.
public enum TransportSegment {
    /// Application bytes one segment carries.
    public static let maxPayload = LinkFrame.maxUserData - 1

    /// The header octet.
    public static func header(fir: Bool, fin: Bool, sequence: UInt8) -> UInt8 {
        (fin ? 0x80 : 0) | (fir ? 0x40 : 0) | (sequence & 0x3F)
    }

    /// Splits `fragment` into segments starting at `sequence`; returns them and the next sequence.
    public static func segments(of fragment: [UInt8], startingAt sequence: UInt8) -> (segments: [[UInt8]], next: UInt8) {
        var out: [[UInt8]] = []
        var seq = sequence & 0x3F
        var start = 0
        repeat {
            let end = min(start + maxPayload, fragment.count)
            let fir = start == 0, fin = end == fragment.count
            out.append([header(fir: fir, fin: fin, sequence: seq)] + fragment[start..<end])
            seq = (seq + 1) & 0x3F
            start = end
        } while start < fragment.count
        return (out, seq)
    }
}
