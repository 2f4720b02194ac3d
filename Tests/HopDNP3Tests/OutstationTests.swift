import Testing

@testable import HopDNP3

@Suite struct OutstationTests {
    @Test func everyRequestTheMasterBuildsIsUnderstood() throws {
        #expect(try RequestParser.parse(Request.integrity(sequence: 3)).request
            == .read(classes: [.class1, .class2, .class3, .class0], objects: []))
        #expect(try RequestParser.parse(Request.integrity(sequence: 3)).control.sequence == 3)
        #expect(try RequestParser.parse(Request.confirm(sequence: 5, unsolicited: true)).request
            == .confirm(sequence: 5, unsolicited: true))
        #expect(try RequestParser.parse(Request.confirm(sequence: 6, unsolicited: false)).request
            == .confirm(sequence: 6, unsolicited: false))
        #expect(try RequestParser.parse(Request.unsolicited(enable: true, classes: PointClass.events, sequence: 1)).request
            == .unsolicited(enable: true, classes: [.class1, .class2, .class3]))
        #expect(try RequestParser.parse(Request.unsolicited(enable: false, classes: [.class2], sequence: 1)).request
            == .unsolicited(enable: false, classes: [.class2]))
        #expect(try RequestParser.parse(Request.writeTime(epochMilliseconds: Fx.t0, sequence: 2)).request
            == .writeTime(DNP3Time(epochMilliseconds: Fx.t0)))
        #expect(try RequestParser.parse(Request.clearRestart(sequence: 4)).request == .clearRestart)
    }

    @Test func readsOfEventVariationsAndUnknownFunctionsAreNamed() throws {
        // READ g2v2 (all), g32v7 (all), class 1.
        let read: [UInt8] = [0xC1, 0x01, 2, 2, 0x06, 32, 7, 0x06, 60, 2, 0x06]
        #expect(try RequestParser.parse(read).request
            == .read(classes: [.class1], objects: [ObjectID(group: 2, variation: 2), ObjectID(group: 32, variation: 7)]))
        // DIRECT_OPERATE of a CROB is not something this outstation does.
        let operate: [UInt8] = [0xC2, 0x05, 12, 1, 0x17, 1, 0] + [UInt8](repeating: 0, count: 11)
        #expect(try RequestParser.parse(operate).request == .unsupported(function: 5, objects: []))
        #expect(throws: DNP3Error.truncated(what: "request header", offset: 1)) { try RequestParser.parse([0xC0]) }
        #expect(throws: DNP3Error.truncated(what: "objects g50v1", offset: 2)) {
            try RequestParser.parse([0xC0, 0x02, 50, 1, 0x07, 1, 0, 0])
        }
    }

    @Test func aBuiltResponseReadsBackThroughTheMastersParser() throws {
        var builder = ResponseBuilder(
            control: AppControl(con: true, sequence: 9), iin: .outstation(class1Events: true, deviceRestart: true))
        builder.binaryEvents([
            BinaryEvent(index: 2, point: BinaryPoint(state: false), time: DNP3Time(epochMilliseconds: Fx.t0)),
            BinaryEvent(index: 2, point: BinaryPoint(state: true), time: DNP3Time(epochMilliseconds: Fx.t0 + 1_500)),
        ])
        builder.analogEvents([AnalogEvent(index: 7, point: AnalogPoint(value: 59.9), time: DNP3Time(epochMilliseconds: Fx.t0))])
        builder.binaryInputs(start: 0, [BinaryPoint(state: true), BinaryPoint(state: false)])
        builder.analogInputs(start: 0, [AnalogPoint(value: 231.5), AnalogPoint(value: 412.25, flags: 0x21)])
        let parsed = try ResponseParser.parse(builder.bytes)
        #expect(parsed.header.control == AppControl(con: true, sequence: 9))
        #expect(parsed.header.iin.names == ["CLASS_1_EVENTS", "DEVICE_RESTART"])
        #expect(!parsed.header.isUnsolicited)
        let m = parsed.measurements
        #expect(m.count == 7)
        #expect(m[0] == Measurement(
            type: .binary, index: 2, value: .binary(false), flags: Flags(raw: 0x01, type: .binary),
            time: DNP3Time(epochMilliseconds: Fx.t0), isEvent: true, group: 2, variation: 2))
        #expect(m[1].value == .binary(true) && m[1].time == DNP3Time(epochMilliseconds: Fx.t0 + 1_500))
        #expect(m[2].group == 32 && m[2].index == 7 && m[2].value == .analog(Double(Float(59.9))) && m[2].time != nil)
        #expect(m[3].value == .binary(true) && m[4].value == .binary(false) && m[4].index == 1 && !m[4].isEvent)
        #expect(m[5].value == .analog(231.5) && m[5].flags.isGood)
        #expect(m[6].value == .analog(412.25) && m[6].flags.overRange && !m[6].flags.isGood)
        #expect(parsed.skipped.isEmpty)
    }

    @Test func anUnsolicitedResponseCarriesFunction0x82AndUNS() throws {
        let bytes = ResponseBuilder(control: AppControl(con: true, uns: true, sequence: 0), iin: .outstation()).bytes
        #expect(bytes == [0xF0, 0x82, 0x00, 0x00])
        #expect(try ResponseParser.parse(bytes).header.isUnsolicited)
        #expect(IIN.outstation(noFunctionCodeSupport: true, objectUnknown: true) == IIN(iin1: 0, iin2: 0x03))
    }

    @Test func theOutstationLinkDeliversRequestsAndFramesAnswersForItsMaster() throws {
        var link = OutstationLink(outstation: 10, master: 1)
        let request = Request.integrity(sequence: 0)
        let (segments, _) = TransportSegment.segments(of: request, startingAt: 0)
        let frame = LinkFrame(
            control: LinkControl(fromMaster: true, function: .primary(.unconfirmedUserData)), destination: 10, source: 1,
            userData: segments[0]
        ).encoded()
        let foreign = LinkFrame(
            control: LinkControl(fromMaster: true, function: .primary(.unconfirmedUserData)), destination: 11, source: 1,
            userData: segments[0]
        ).encoded()
        let status = LinkFrame(
            control: LinkControl(fromMaster: true, function: .primary(.requestLinkStatus)), destination: 10, source: 1
        ).encoded()
        // Split across reads, with a frame for another outstation and a link status request.
        var got = link.receive(foreign + frame.prefix(7))
        #expect(got.fragments.isEmpty && got.replies.isEmpty)
        got = link.receive(frame.dropFirst(7) + status)
        #expect(got.fragments == [request])
        var parser = LinkParser()
        let replies = parser.feed(got.replies)
        #expect(replies.map(\.control.function) == [.secondary(.linkStatus)])
        #expect(replies.first?.destination == 1 && replies.first?.source == 10 && replies.first?.control.fromMaster == false)

        // A 600-byte answer goes out as three segments the master reassembles.
        let answer = ResponseBuilder(control: AppControl(sequence: 0), iin: .outstation()).bytes + [UInt8](repeating: 0, count: 596)
        var reassembler = TransportReassembler()
        let frames = parser.feed(link.encode(answer))
        #expect(frames.count == 3)
        #expect(frames.allSatisfy { $0.destination == 1 && $0.source == 10 && !$0.control.fromMaster })
        #expect(frames.compactMap { reassembler.receive($0.userData) } == [answer])
    }
}
