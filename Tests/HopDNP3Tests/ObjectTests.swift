import Testing

@testable import HopDNP3

/// Every variation this master maps, decoded from hand-built objects at index 5 (qualifier 0x00).
@Suite struct ObjectTests {
    struct Case: Sendable, CustomStringConvertible {
        var group: UInt8
        var variation: UInt8
        var object: [UInt8]
        var value: PointValue
        var flags: UInt8
        var time: Int64?
        var event: Bool
        var description: String { "g\(group)v\(variation)" }
    }

    static let t = Fx.t0
    static let cases: [Case] = [
        Case(group: 1, variation: 2, object: [0x81], value: .binary(true), flags: 0x81, event: false),
        Case(group: 2, variation: 1, object: [0x01], value: .binary(false), flags: 0x01, event: true),
        Case(group: 2, variation: 2, object: [0x81] + Fx.time(t), value: .binary(true), flags: 0x81, time: t, event: true),
        Case(group: 3, variation: 2, object: [0x41], value: .doubleBit(.off), flags: 0x41, event: false),
        Case(group: 4, variation: 1, object: [0x81], value: .doubleBit(.on), flags: 0x81, event: true),
        Case(group: 4, variation: 2, object: [0x41] + Fx.time(t), value: .doubleBit(.off), flags: 0x41, time: t, event: true),
        Case(group: 20, variation: 1, object: [0x01] + Fx.le32(4_000_000_000), value: .counter(4_000_000_000), flags: 0x01, event: false),
        Case(group: 20, variation: 2, object: [0x01] + Fx.le16(65535), value: .counter(65535), flags: 0x01, event: false),
        Case(group: 20, variation: 5, object: Fx.le32(7), value: .counter(7), flags: 0x01, event: false),
        Case(group: 20, variation: 6, object: Fx.le16(8), value: .counter(8), flags: 0x01, event: false),
        Case(group: 22, variation: 1, object: [0x05] + Fx.le32(9), value: .counter(9), flags: 0x05, event: true),
        Case(group: 22, variation: 2, object: [0x01] + Fx.le16(10), value: .counter(10), flags: 0x01, event: true),
        Case(group: 22, variation: 5, object: [0x01] + Fx.le32(11) + Fx.time(t), value: .counter(11), flags: 0x01, time: t, event: true),
        Case(group: 22, variation: 6, object: [0x01] + Fx.le16(12) + Fx.time(t), value: .counter(12), flags: 0x01, time: t, event: true),
        Case(group: 30, variation: 1, object: [0x01] + Fx.le32(UInt32(bitPattern: -123_456)), value: .analog(-123_456), flags: 0x01, event: false),
        Case(group: 30, variation: 2, object: [0x03] + Fx.le16(UInt16(bitPattern: -2)), value: .analog(-2), flags: 0x03, event: false),
        Case(group: 30, variation: 3, object: Fx.le32(70_000), value: .analog(70_000), flags: 0x01, event: false),
        Case(group: 30, variation: 4, object: Fx.le16(UInt16(bitPattern: -300)), value: .analog(-300), flags: 0x01, event: false),
        Case(group: 30, variation: 5, object: [0x01] + Fx.f32(138.25), value: .analog(138.25), flags: 0x01, event: false),
        Case(group: 30, variation: 6, object: [0x21] + Fx.f64(59.987654321), value: .analog(59.987654321), flags: 0x21, event: false),
        Case(group: 32, variation: 1, object: [0x01] + Fx.le32(41), value: .analog(41), flags: 0x01, event: true),
        Case(group: 32, variation: 2, object: [0x01] + Fx.le16(42), value: .analog(42), flags: 0x01, event: true),
        Case(group: 32, variation: 3, object: [0x01] + Fx.le32(43) + Fx.time(t), value: .analog(43), flags: 0x01, time: t, event: true),
        Case(group: 32, variation: 4, object: [0x01] + Fx.le16(44) + Fx.time(t), value: .analog(44), flags: 0x01, time: t, event: true),
        Case(group: 32, variation: 5, object: [0x01] + Fx.f32(45.5), value: .analog(45.5), flags: 0x01, event: true),
        Case(group: 32, variation: 6, object: [0x01] + Fx.f64(46.25), value: .analog(46.25), flags: 0x01, event: true),
        Case(group: 32, variation: 7, object: [0x01] + Fx.f32(47.75) + Fx.time(t), value: .analog(47.75), flags: 0x01, time: t, event: true),
        Case(group: 32, variation: 8, object: [0x01] + Fx.f64(48.125) + Fx.time(t), value: .analog(48.125), flags: 0x01, time: t, event: true),
    ]

    @Test(arguments: cases)
    func decodes(_ c: Case) throws {
        let layout = try #require(ObjectLayout.of(group: c.group, variation: c.variation))
        #expect(layout == .fixed(size: c.object.count), "size of \(c)")
        let parsed = try Fx.parse([c.group, c.variation, 0x00, 5, 5] + c.object)
        #expect(parsed.skipped.isEmpty)
        let m = try #require(parsed.measurements.first)
        #expect(parsed.measurements.count == 1)
        #expect(m.index == 5)
        #expect(m.value == c.value)
        #expect(m.flags.raw == c.flags)
        #expect(m.time?.epochMilliseconds == c.time)
        #expect(m.isEvent == c.event)
        #expect((m.group, m.variation) == (c.group, c.variation))
    }

    @Test func packedBinariesAndDoubleBits() throws {
        // g1v1 indices 3…12 (10 bits over two octets), g3v1 indices 0…4 (2 bits each).
        let objects: [UInt8] = [1, 1, 0x00, 3, 12, 0b1010_0101, 0b0000_0010] + [3, 1, 0x00, 0, 4, 0b1110_0100, 0b0000_0001]
        let m = try Fx.parse(objects).measurements
        let binaries = m.filter { $0.type == .binary }
        #expect(binaries.map(\.index) == Array(3...12))
        #expect(binaries.map(\.value) == [1, 0, 1, 0, 0, 1, 0, 1, 0, 1].map { .binary($0 == 1) })
        #expect(binaries.allSatisfy { $0.flags.online })
        let doubles = m.filter { $0.type == .doubleBit }
        #expect(doubles.map(\.value) == [.intermediate, .off, .on, .indeterminate, .off].map { .doubleBit($0) })
    }

    @Test func relativeTimeEventsUseTheLatestCommonTime() throws {
        let objects: [UInt8] = [51, 2, 0x07, 1] + Fx.time(Fx.t0) + [4, 3, 0x17, 1, 7, 0x81] + Fx.le16(1000)
            + [51, 1, 0x07, 1] + Fx.time(Fx.t0 + 60_000) + [2, 3, 0x28] + Fx.le16(1) + Fx.le16(300) + [0x01] + Fx.le16(2)
        let m = try Fx.parse(objects).measurements
        #expect(m.map(\.time?.epochMilliseconds) == [Fx.t0 + 1000, Fx.t0 + 60_002])
        #expect(m.map(\.index) == [7, 300])
    }

    @Test func qualityFlagsSayWhetherAValueIsGood() {
        #expect(Flags(raw: 0x01, type: .analog).isGood)
        #expect(Flags(raw: 0x19, type: .analog).isGood)  // forced values are still values
        #expect(!Flags(raw: 0x00, type: .analog).isGood)  // offline
        #expect(!Flags(raw: 0x03, type: .analog).isGood)  // restart
        #expect(!Flags(raw: 0x05, type: .analog).isGood)  // comm lost
        #expect(!Flags(raw: 0x21, type: .analog).isGood)  // over-range
        #expect(!Flags(raw: 0x41, type: .analog).isGood)  // reference error
        #expect(Flags(raw: 0xA1, type: .binary).isGood)  // state + chatter filter
        #expect(Flags(raw: 0x07, type: .analog).names == ["ONLINE", "RESTART", "COMM_LOST"])
        #expect(Flags(raw: 0x00, type: .binary).description == "OFFLINE")
    }

    @Test func timesAreFortyEightBitLittleEndianMilliseconds() {
        let t = DNP3Time(epochMilliseconds: Fx.t0)
        #expect(t.bytes == [0x7B, 0x9E, 0x06, 0x34, 0x8F, 0x01])
        #expect(DNP3Time(bytes: t.bytes[...]) == t)
    }
}
