import Testing

@testable import HopDNP3

@Suite struct ApplicationTests {
    @Test func requestsHaveTheStandardBytes() {
        #expect(Request.integrity(sequence: 3) == [0xC3, 0x01, 60, 2, 6, 60, 3, 6, 60, 4, 6, 60, 1, 6])
        #expect(Request.read([.class2], sequence: 15) == [0xCF, 0x01, 60, 3, 6])
        #expect(Request.confirm(sequence: 5, unsolicited: false) == [0xC5, 0x00])
        #expect(Request.confirm(sequence: 5, unsolicited: true) == [0xD5, 0x00])
        #expect(Request.unsolicited(enable: true, classes: PointClass.events, sequence: 1) == [0xC1, 20, 60, 2, 6, 60, 3, 6, 60, 4, 6])
        #expect(Request.unsolicited(enable: false, classes: [.class1], sequence: 2) == [0xC2, 21, 60, 2, 6])
        #expect(Request.clearRestart(sequence: 4) == [0xC4, 0x02, 80, 1, 0x00, 7, 7, 0x00])
        // 0x018F3A1B2C4D ms.
        #expect(Request.writeTime(epochMilliseconds: 0x018F_3A1B_2C4D, sequence: 6) == [0xC6, 0x02, 50, 1, 0x07, 1, 0x4D, 0x2C, 0x1B, 0x3A, 0x8F, 0x01])
    }

    @Test func theSequenceNumberWrapsInFourBits() {
        #expect(Request.read([.class1], sequence: 17)[0] == 0xC1)
        #expect(AppControl(byte: 0xF7) == AppControl(fir: true, fin: true, con: true, uns: true, sequence: 7))
        #expect(AppControl(byte: 0xA2).byte == 0xA2)
    }

    @Test func responseHeaderControlAndIINBits() throws {
        let parsed = try ResponseParser.parse([0xE3, 0x82, 0x90, 0x02])
        #expect(parsed.header.isUnsolicited)
        #expect(parsed.header.control == AppControl(fir: true, fin: true, con: true, uns: false, sequence: 3))
        #expect(parsed.header.iin.deviceRestart)
        #expect(parsed.header.iin.needTime)
        #expect(parsed.header.iin.objectUnknown)
        #expect(parsed.header.iin.refused)
        #expect(parsed.header.iin.description == "NEED_TIME DEVICE_RESTART OBJECT_UNKNOWN")
        #expect(parsed.measurements.isEmpty)
    }

    @Test func aRequestIsNotAResponse() {
        #expect(throws: DNP3Error.unexpectedFunction(1)) { try ResponseParser.parse([0xC0, 0x01, 0, 0]) }
        #expect(throws: DNP3Error.truncated(what: "response header", offset: 2)) { try ResponseParser.parse([0xC0, 0x81]) }
    }

    @Test func everyQualifierThisMasterReadsLocatesTheRightIndices() throws {
        // 0x00 start–stop 8 bit, 0x01 start–stop 16 bit, 0x17 8-bit index + 8-bit count,
        // 0x28 16-bit index + 16-bit count.
        var objects: [UInt8] = [30, 4, 0x00, 3, 4] + Fx.le16(10) + Fx.le16(11)
        objects += [30, 4, 0x01] + Fx.le16(300) + Fx.le16(300) + Fx.le16(12)
        objects += [32, 2, 0x17, 1, 9, 0x01] + Fx.le16(13)
        objects += [32, 2, 0x28] + Fx.le16(2) + Fx.le16(1000) + [0x01] + Fx.le16(14) + Fx.le16(1001) + [0x01] + Fx.le16(15)
        let m = try Fx.parse(objects).measurements
        #expect(m.map(\.index) == [3, 4, 300, 9, 1000, 1001])
        #expect(m.map(\.value) == [10, 11, 12, 13, 14, 15].map { .analog($0) })
        #expect(m.map(\.isEvent) == [false, false, false, true, true, true])
    }

    @Test func countQualifiersCarryCommonTimeAndTimeObjects() throws {
        // 0x07 (g51 CTO, count 1), then relative-time binary events, then 0x08 with a g50v1.
        let objects: [UInt8] = [51, 1, 0x07, 1] + Fx.time(Fx.t0) + [2, 3, 0x17, 2, 4, 0x81] + Fx.le16(5) + [5, 0x01] + Fx.le16(250)
            + [50, 1, 0x08] + Fx.le16(1) + Fx.time(Fx.t0)
        let parsed = try Fx.parse(objects)
        #expect(parsed.measurements.map(\.time) == [DNP3Time(epochMilliseconds: Fx.t0 + 5), DNP3Time(epochMilliseconds: Fx.t0 + 250)])
        #expect(parsed.measurements.map(\.value) == [.binary(true), .binary(false)])
        #expect(parsed.skipped.map(\.group) == [50])
    }

    @Test func relativeTimeWithoutCommonTimeIsATypedError() {
        #expect(throws: DNP3Error.missingCommonTime(group: 2, variation: 3, offset: 4)) {
            try Fx.parse([2, 3, 0x17, 1, 0, 0x81, 0, 0])
        }
    }

    @Test func objectsOfKnownSizeAreSkippedAndWhatFollowsIsStillRead() throws {
        var objects: [UInt8] = [21, 1, 0x00, 0, 1] + [0x01] + Fx.le32(5) + [0x01] + Fx.le32(6)  // frozen counters
        objects += [110, 4, 0x00, 0, 0] + Array("abcd".utf8)  // octet string of length 4
        objects += [10, 2, 0x00, 0, 1, 0x01, 0x81]  // binary output status
        objects += [40, 1, 0x00, 0, 0, 0x01] + Fx.le32(7)  // analog output status
        objects += [3, 2, 0x00, 0, 0, 0x81]  // double-bit, on
        objects += [50, 4, 0x07, 1] + Fx.time(Fx.t0) + Fx.le32(1000) + [4]  // time and interval
        objects += [30, 5, 0x00, 2, 2, 0x01] + Fx.f32(49.98)
        let parsed = try Fx.parse(objects)
        #expect(parsed.skipped.map(\.description) == [
            "g21v1 ×2 at offset 4", "g110v4 ×1 at offset 19", "g10v2 ×2 at offset 28", "g40v1 ×1 at offset 35", "g50v4 ×1 at offset 51",
        ])
        #expect(parsed.measurements.count == 2)
        #expect(parsed.measurements[0].value == .doubleBit(.on))
        #expect(parsed.measurements[1].index == 2)
        #expect(parsed.measurements[1].value == .analog(Double(Float(49.98))))
    }

    @Test func anObjectOfUnknownSizeFailsNamingGroupVariationAndOffset() {
        let objects: [UInt8] = [30, 4, 0x00, 0, 0] + Fx.le16(1) + [99, 7, 0x00, 0, 0, 1]
        #expect(throws: DNP3Error.unknownObject(group: 99, variation: 7, qualifier: 0x00, offset: 11)) { try Fx.parse(objects) }
        let text = DNP3Error.unknownObject(group: 99, variation: 7, qualifier: 0x00, offset: 11).description
        #expect(text.contains("g99v7") && text.contains("offset 11"))
    }

    @Test func truncatedObjectsAndBadRangesAreTypedErrors() {
        #expect(throws: DNP3Error.truncated(what: "2 objects g30v5", offset: 4)) { try Fx.parse([30, 5, 0x00, 0, 1, 0x01, 0, 0]) }
        #expect(throws: DNP3Error.badRange(group: 30, variation: 5, start: 5, stop: 2, offset: 4)) { try Fx.parse([30, 5, 0x00, 5, 2]) }
        #expect(throws: DNP3Error.unsupportedQualifier(group: 30, variation: 5, qualifier: 0x5B, offset: 4)) {
            try Fx.parse([30, 5, 0x5B, 1, 0])
        }
        #expect(throws: DNP3Error.truncated(what: "range of g30v5", offset: 7)) { try Fx.parse([30, 5, 0x01, 0]) }
    }

    @Test func aHugeCountCannotReadPastTheFragment() {
        let objects: [UInt8] = [30, 1, 0x02] + Fx.le32(0) + Fx.le32(0xFFFF_FFFE)
        #expect(throws: DNP3Error.self) { try Fx.parse(objects) }
    }
}
