/// Finds frames in a byte stream. Bytes before a `05 64` start are skipped; a frame with a bad
/// header or block CRC, a length under 5 or an undefined function code is dropped (counted and
/// reported with its reason) and the search resumes one byte after its start, as the standard asks.
public struct LinkParser: Sendable {
    private var buffer: [UInt8] = []
    /// Frames dropped so far, by reason, oldest first (bounded).
    public private(set) var dropped: [LinkError] = []
    /// Total frames dropped.
    public private(set) var droppedCount = 0

    public init() {}

    /// Adds received bytes and returns every complete valid frame they finish.
    public mutating func feed<C: Collection>(_ bytes: C) -> [LinkFrame] where C.Element == UInt8 {
        buffer.append(contentsOf: bytes)
        var frames: [LinkFrame] = []
        var position = 0
        while true {
            // Find a start.
            while position + 1 < buffer.count, !(buffer[position] == 0x05 && buffer[position + 1] == 0x64) {
                position += 1
            }
            guard position + 10 <= buffer.count else { break }
            let length = Int(buffer[position + 2])
            guard CRC16DNP.matches(buffer[position..<position + 8], low: buffer[position + 8], high: buffer[position + 9]) else {
                drop(.headerCRC(offset: position))
                position += 1
                continue
            }
            guard length >= 5 else {
                drop(.badLength(length))
                position += 1
                continue
            }
            let dataCount = length - 5
            let total = LinkFrame.wireLength(userDataCount: dataCount)
            guard position + total <= buffer.count else { break }
            guard let control = LinkControl(byte: buffer[position + 3]) else {
                drop(.unknownFunction(buffer[position + 3]))
                position += 1
                continue
            }
            var data: [UInt8] = []
            data.reserveCapacity(dataCount)
            var at = position + 10
            var good = true
            var block = 0
            while data.count < dataCount {
                let n = min(16, dataCount - data.count)
                let slice = buffer[at..<at + n]
                guard CRC16DNP.matches(slice, low: buffer[at + n], high: buffer[at + n + 1]) else {
                    drop(.blockCRC(block: block))
                    good = false
                    break
                }
                data += slice
                at += n + 2
                block += 1
            }
            guard good else {
                position += 1
                continue
            }
            let destination = UInt16(buffer[position + 4]) | UInt16(buffer[position + 5]) << 8
            let source = UInt16(buffer[position + 6]) | UInt16(buffer[position + 7]) << 8
            frames.append(LinkFrame(control: control, destination: destination, source: source, userData: data))
            position += total
        }
        buffer.removeFirst(min(position, buffer.count))
        return frames
    }

    /// Forgets buffered bytes (after a reconnect).
    public mutating func reset() { buffer.removeAll() }

    private mutating func drop(_ error: LinkError) {
        droppedCount += 1
        dropped.append(error)
        if dropped.count > 16 { dropped.removeFirst() }
    }
}

/// Why a frame was dropped.
public enum LinkError: Error, Hashable, Sendable, CustomStringConvertible {
    case headerCRC(offset: Int)
    case blockCRC(block: Int)
    case badLength(Int)
    case unknownFunction(UInt8)

    public var description: String {
        switch self {
        case .headerCRC: "link header CRC mismatch"
        case .blockCRC(let block): "CRC mismatch in user data block \(block)"
        case .badLength(let n): "link length \(n) below 5"
        case .unknownFunction(let b): "undefined link function in control octet 0x\(String(b, radix: 16))"
        }
    }
}
