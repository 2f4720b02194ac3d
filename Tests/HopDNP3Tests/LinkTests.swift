import Testing

@testable import HopDNP3

@Suite struct LinkTests {
    @Test func crcOfTheCheckStringIsTheCatalogueValue() {
        #expect(CRC16DNP.checksum(Array("123456789".utf8)) == 0xEA82)
        #expect(CRC16DNP.checksum([UInt8]()) == 0xFFFF)
    }

    @Test func aResetLinkStatesHeaderMatchesAKnownFrame() {
        // Master 1 → outstation 1024, RESET_LINK_STATES: the canonical `05 64 05 C0 00 04 01 00 + CRC`.
        let frame = LinkFrame(
            control: LinkControl(fromMaster: true, function: .primary(.resetLinkStates)), destination: 1024, source: 1)
        let bytes = frame.encoded()
        #expect(Array(bytes.prefix(8)) == [0x05, 0x64, 0x05, 0xC0, 0x00, 0x04, 0x01, 0x00])
        #expect(bytes.count == 10)
        #expect(CRC16DNP.checksum(bytes[0..<8]) == UInt16(bytes[8]) | UInt16(bytes[9]) << 8)
    }

    @Test(arguments: [0, 1, 15, 16, 17, 32, 100, 249, 250])
    func framesRoundTripAtEveryBlockBoundary(size: Int) {
        let data = (0..<size).map { UInt8(truncatingIfNeeded: $0 * 7 + 3) }
        let frame = LinkFrame(
            control: LinkControl(fromMaster: false, function: .primary(.unconfirmedUserData)), destination: 1, source: 1024,
            userData: data)
        let bytes = frame.encoded()
        #expect(bytes.count == LinkFrame.wireLength(userDataCount: size))
        var parser = LinkParser()
        #expect(parser.feed(bytes) == [frame])
        #expect(parser.droppedCount == 0)
    }

    @Test func framesSplitAcrossReadsAndPrecededByNoiseAreFound() {
        let a = LinkFrame(
            control: LinkControl(fromMaster: false, function: .primary(.unconfirmedUserData)), destination: 1, source: 10,
            userData: Array(repeating: 0xAB, count: 40))
        let b = LinkFrame(
            control: LinkControl(fromMaster: false, function: .secondary(.ack)), destination: 1, source: 10)
        let stream = [0x00, 0x05, 0x99] + a.encoded() + b.encoded()
        var parser = LinkParser()
        var frames: [LinkFrame] = []
        for chunk in stride(from: 0, to: stream.count, by: 7) {
            frames += parser.feed(stream[chunk..<min(chunk + 7, stream.count)])
        }
        #expect(frames == [a, b])
    }

    @Test func aCorruptedDataBlockDropsTheFrameAndTheNextFrameStillArrives() {
        let frame = LinkFrame(
            control: LinkControl(fromMaster: false, function: .primary(.unconfirmedUserData)), destination: 1, source: 10,
            userData: Array(0..<30))
        var bad = frame.encoded()
        bad[14] ^= 0x01  // inside the first data block
        var parser = LinkParser()
        #expect(parser.feed(bad + frame.encoded()) == [frame])
        #expect(parser.droppedCount == 1)
        #expect(parser.dropped == [.blockCRC(block: 0)])
    }

    @Test func aCorruptedHeaderIsDropped() {
        let frame = LinkFrame(
            control: LinkControl(fromMaster: false, function: .primary(.unconfirmedUserData)), destination: 1, source: 10,
            userData: [1, 2, 3])
        var bad = frame.encoded()
        bad[5] ^= 0x80
        var parser = LinkParser()
        #expect(parser.feed(bad).isEmpty)
        #expect(parser.droppedCount >= 1)
        #expect(parser.dropped.first == .headerCRC(offset: 0))
    }

    @Test func controlOctetsRoundTrip() {
        for byte in [0xC4, 0x44, 0xD3, 0xF3, 0x0B, 0x00, 0x80, 0xC9] as [UInt8] {
            #expect(LinkControl(byte: byte)?.byte == byte, "0x\(String(byte, radix: 16))")
        }
        #expect(LinkControl(byte: 0x45) == nil)  // primary function 5 is not defined
    }

    @Test func confirmedUserDataIsAcknowledgedAndARepeatedFCBIsNotDeliveredTwice() {
        var state = LinkSecondaryState()
        func confirmed(fcb: Bool, _ data: [UInt8]) -> LinkFrame {
            LinkFrame(
                control: LinkControl(fromMaster: false, function: .primary(.confirmedUserData), fcb: fcb, fcvOrDFC: true),
                destination: 1, source: 10, userData: data)
        }
        let reset = LinkFrame(control: LinkControl(fromMaster: false, function: .primary(.resetLinkStates)), destination: 1, source: 10)
        let r0 = state.receive(reset, localAddress: 1, isMaster: true)
        #expect(r0.reply?.control.function == .secondary(.ack))
        #expect(r0.reply?.destination == 10)
        let r1 = state.receive(confirmed(fcb: true, [0xC0]), localAddress: 1, isMaster: true)
        #expect(r1.reply?.control.function == .secondary(.ack))
        #expect(r1.data == [0xC0])
        let retry = state.receive(confirmed(fcb: true, [0xC0]), localAddress: 1, isMaster: true)
        #expect(retry.reply?.control.function == .secondary(.ack))
        #expect(retry.data == nil)
        #expect(state.receive(confirmed(fcb: false, [0xC1]), localAddress: 1, isMaster: true).data == [0xC1])
        let status = LinkFrame(control: LinkControl(fromMaster: false, function: .primary(.requestLinkStatus)), destination: 1, source: 10)
        #expect(state.receive(status, localAddress: 1, isMaster: true).reply?.control.function == .secondary(.linkStatus))
    }
}
