/// One link-layer frame (FT3): `05 64 LEN CTRL DEST SRC CRC` and up to 250 bytes of user data in
/// blocks of 16, each followed by its CRC.
public struct LinkFrame: Hashable, Sendable {
    /// The most user data one frame carries.
    public static let maxUserData = 250

    public var control: LinkControl
    /// Address of the station the frame is for.
    public var destination: UInt16
    /// Address of the station that sent it.
    public var source: UInt16
    /// Transport segment (header octet and payload); empty for link-only frames.
    public var userData: [UInt8]

    public init(control: LinkControl, destination: UInt16, source: UInt16, userData: [UInt8] = []) {
        self.control = control
        self.destination = destination
        self.source = source
        self.userData = userData
    }

    /// The frame as sent on the wire.
    public func encoded() -> [UInt8] {
        precondition(userData.count <= Self.maxUserData, "link frame user data over 250 bytes")
        var out: [UInt8] = [0x05, 0x64, UInt8(5 + userData.count), control.byte]
        out += [UInt8(destination & 0xFF), UInt8(destination >> 8), UInt8(source & 0xFF), UInt8(source >> 8)]
        CRC16DNP.append(out[0..<8], to: &out)
        var start = 0
        while start < userData.count {
            let block = userData[start..<min(start + 16, userData.count)]
            out += block
            CRC16DNP.append(block, to: &out)
            start += 16
        }
        return out
    }

    /// Bytes on the wire for `userDataCount` bytes of user data.
    public static func wireLength(userDataCount n: Int) -> Int { 10 + n + 2 * ((n + 15) / 16) }
}
