import Testing

@testable import HopDNP3

/// Bytes an independent outstation (opendnp3 3.2, through PyPI `yadnp3`) sent to this master,
/// captured on loopback: 4 points of each type, analog 0 = 138000, analog 1 = -42 with COMM_LOST,
/// binary 0 on, counter 2 = 123456, all changed once (class 1 events, without time).
@Suite struct CapturedFrameTests {
    /// The answer to DISABLE_UNSOLICITED from an outstation that does not allow unsolicited
    /// reporting: IIN DEVICE_RESTART, CLASS_1_EVENTS, NO_FUNC_CODE_SUPPORT.
    static let disableAnswer = "05640a44010000046788c0c081820108de"

    /// The first integrity poll's answer: one frame, one fragment, CON set (it carries events).
    static let integrityAnswer =
        "0564ea44010000041bc6c1e18180002001280200000001101b02d01900010005d6ffffff02012801000000811cd1160128010002000140e2"
        + "010001020000181303810202020302000003020202021e010c2f00000301101b020005d6ffffff020000daeb00000200000000140100000302"
        + "000000efbd0002000000000140e201000200000000b8b01501000003020000000002000000000238180000000002000000000a0200000302"
        + "0248cf020228010000030200000000020000008e1c00020000000002000000003204000003789a00000000000000000000000000000000ff"
        + "ff00000000000000000000000000000000ffff0000000000000000000000006e010000b3020300000000f59a"

    static func bytes(_ hex: String) -> [UInt8] {
        var out: [UInt8] = []
        var i = hex.startIndex
        while i < hex.endIndex {
            let j = hex.index(i, offsetBy: 2)
            out.append(UInt8(hex[i..<j], radix: 16)!)
            i = j
        }
        return out
    }

    static func fragments(_ hex: String) -> [[UInt8]] {
        var parser = LinkParser()
        var transport = TransportReassembler()
        return parser.feed(bytes(hex)).compactMap { frame in
            #expect(frame.source == 1024 && frame.destination == 1 && !frame.control.fromMaster)
            #expect(frame.control.function == .primary(.unconfirmedUserData))
            return transport.receive(frame.userData)
        }
    }

    @Test func aRefusedDisableUnsolicitedCarriesTheStartUpIINs() throws {
        let fragments = Self.fragments(Self.disableAnswer)
        #expect(fragments.count == 1)
        let parsed = try ResponseParser.parse(fragments[0])
        #expect(parsed.header.iin.description == "CLASS_1_EVENTS DEVICE_RESTART NO_FUNC_CODE_SUPPORT")
        #expect(parsed.header.iin.refused)
        #expect(parsed.measurements.isEmpty)
    }

    @Test func theIntegrityAnswerDecodesEveryEventAndStaticPoint() throws {
        let fragments = Self.fragments(Self.integrityAnswer)
        #expect(fragments.count == 1)
        let parsed = try ResponseParser.parse(fragments[0])
        #expect(parsed.header.control == AppControl(fir: true, fin: true, con: true, uns: false, sequence: 1))
        #expect(parsed.header.iin.deviceRestart)
        let events = parsed.measurements.filter(\.isEvent)
        #expect(events.map { "g\($0.group)v\($0.variation) \($0.index)=\($0.value) \($0.flags.raw)" } == [
            "g32v1 0=138000.0 1", "g32v1 1=-42.0 5", "g2v1 0=1 129", "g22v1 2=123456 1",
        ])
        let statics = parsed.measurements.filter { !$0.isEvent }
        #expect(statics.filter { $0.type == .binary }.map(\.index) == [0, 1, 2, 3])
        #expect(statics.filter { $0.type == .doubleBit }.count == 4)
        #expect(statics.filter { $0.type == .counter }.map(\.value) == [0, 0, 123_456, 0].map { .counter($0) })
        let analogs = statics.filter { $0.type == .analog }
        #expect(analogs.map(\.value) == [138_000, -42, 0, 0].map { .analog($0) })
        #expect(analogs.map(\.flags.isGood) == [true, false, false, false])  // COMM_LOST, then RESTART
        #expect(parsed.skipped.map { "g\($0.group)v\($0.variation)" } == ["g21v1", "g10v2", "g40v1", "g50v4", "g110v1"])
    }

    @Test func aFlippedBitAnywhereInTheFrameDropsIt() {
        let good = Self.bytes(Self.integrityAnswer)
        for position in stride(from: 0, to: good.count, by: 7) {
            var bad = good
            bad[position] ^= 0x04
            var parser = LinkParser()
            #expect(parser.feed(bad).isEmpty, "bit flipped at \(position)")
        }
    }
}
