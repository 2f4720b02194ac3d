import HopDNP3
import Logging
import Testing

@testable import HopEdge

/// A scripted outstation behind the `DNP3Channel` interface: every request the master writes is
/// decoded and recorded; `answer` decides the fragments sent back (as outstation frames).
final class ScriptedOutstation: DNP3Channel {
    var isOpen = false
    var opens = 0
    private var parser = LinkParser()
    private var reassembler = TransportReassembler()
    private var pending: [UInt8] = []
    private var transportSequence: UInt8 = 0
    /// Every request fragment received, in order.
    private(set) var requests: [[UInt8]] = []
    /// The fragments to send for a request fragment.
    var answer: ([UInt8]) -> [[UInt8]] = { request in [ScriptedOutstation.response(to: request)] }
    /// Fragments to send before the answer to the next request (e.g. an unsolicited response).
    var before: [[UInt8]] = []

    func open(timeout: Duration) throws(DNP3ChannelError) {
        isOpen = true
        opens += 1
    }

    func close() { isOpen = false }

    func write(_ bytes: [UInt8]) throws(DNP3ChannelError) {
        for frame in parser.feed(bytes) {
            guard let fragment = reassembler.receive(frame.userData) else { continue }
            requests.append(fragment)
            if fragment[1] == FunctionCode.confirm.rawValue { continue }
            for f in before + answer(fragment) { send(f) }
            before = []
        }
    }

    func read(timeout: Duration) throws(DNP3ChannelError) -> [UInt8] {
        defer { pending = [] }
        return pending
    }

    private func send(_ fragment: [UInt8]) {
        let (segments, next) = TransportSegment.segments(of: fragment, startingAt: transportSequence)
        transportSequence = next
        for s in segments {
            pending += LinkFrame(
                control: LinkControl(fromMaster: false, function: .primary(.unconfirmedUserData)), destination: 1, source: 1024,
                userData: s
            ).encoded()
        }
    }

    /// A one-fragment answer echoing the request's sequence, with `iin1` and `objects`.
    static func response(to request: [UInt8], iin1: UInt8 = 0, iin2: UInt8 = 0, con: Bool = false, objects: [UInt8] = []) -> [UInt8] {
        [AppControl(con: con, sequence: request[0] & 0x0F).byte, 0x81, iin1, iin2] + objects
    }

    /// Function codes of the requests, confirms included.
    var functions: [UInt8] { requests.map { $0[1] } }
}

@Suite struct DNP3MasterTests {
    static func master(_ channel: ScriptedOutstation, unsolicited: Bool = false) -> DNP3Master {
        var settings = DNP3Settings(outstationAddress: 1024)
        settings.unsolicited = unsolicited
        return DNP3Master(settings: settings, channel: channel, timeout: .milliseconds(50), logger: Logger(label: "test"))
    }

    static let analog0: [UInt8] = [30, 5, 0x00, 0, 0, 0x01] + Array(Float(138.5).bitPattern.littleEndianBytes)

    @Test func startUpDisablesUnsolicitedClearsRestartSetsTheTimePollsEverythingOnceAndEnablesUnsolicited() throws {
        let outstation = ScriptedOutstation()
        var restart = true, needTime = true
        outstation.answer = { request in
            switch request[1] {
            case FunctionCode.write.rawValue where request[2] == 80: restart = false
            case FunctionCode.write.rawValue where request[2] == 50: needTime = false
            default: break
            }
            let iin1: UInt8 = (restart ? 0x80 : 0) | (needTime ? 0x10 : 0)
            return [ScriptedOutstation.response(to: request, iin1: iin1, objects: request[1] == 1 ? Self.analog0 : [])]
        }
        let responses = try Self.master(outstation, unsolicited: true).poll(.events(.class1))
        #expect(outstation.functions == [21, 2, 2, 1, 20])  // DISABLE, WRITE g80, WRITE g50, READ, ENABLE
        #expect(Array(outstation.requests[1][2...4]) == [80, 1, 0x00])
        #expect(Array(outstation.requests[2][2...4]) == [50, 1, 0x07])
        #expect(outstation.requests[3] == Request.integrity(sequence: 3))  // the start-up integrity poll, not class 1
        #expect(responses.flatMap(\.measurements).map(\.value) == [.analog(138.5)])
        #expect(outstation.requests.map { $0[0] & 0x0F } == [0, 1, 2, 3, 4])
    }

    @Test func aMultiFragmentAnswerIsConfirmedFragmentByFragmentAndReadWhole() throws {
        let outstation = ScriptedOutstation()
        let master = Self.master(outstation)
        _ = try master.poll(.integrity)
        outstation.answer = { request in
            let seq = request[0] & 0x0F
            return [
                [AppControl(fir: true, fin: false, con: true, sequence: seq).byte, 0x81, 0, 0] + Self.analog0,
                [AppControl(fir: false, fin: true, con: true, sequence: (seq + 1) & 0x0F).byte, 0x81, 0, 0]
                    + [30, 5, 0x00, 1, 1, 0x01] + Array(Float(7).bitPattern.littleEndianBytes),
            ]
        }
        let before = outstation.requests.count
        let responses = try master.poll(.integrity)
        let sent = Array(outstation.requests[before...])
        let seq = sent[0][0] & 0x0F
        #expect(sent.map { $0[1] } == [1, 0, 0])
        #expect(sent[1] == Request.confirm(sequence: seq, unsolicited: false))
        #expect(sent[2] == Request.confirm(sequence: (seq + 1) & 0x0F, unsolicited: false))
        #expect(responses.flatMap(\.measurements).map(\.index) == [0, 1])
    }

    @Test func aStaleAnswerIsIgnoredAndAnUnsolicitedReportMeanwhileIsConfirmedAndKept() throws {
        let outstation = ScriptedOutstation()
        let master = Self.master(outstation)
        _ = try master.poll(.integrity)
        outstation.before = [
            [AppControl(sequence: 9).byte, 0x81, 0, 0] + [30, 5, 0x00, 5, 5, 0x01, 0, 0, 0, 0],  // an old answer
            [AppControl(con: true, uns: true, sequence: 3).byte, 0x82, 0, 0] + [32, 5, 0x17, 1, 2, 0x01, 0, 0, 0x80, 0x3F],
        ]
        outstation.answer = { [ScriptedOutstation.response(to: $0, objects: Self.analog0)] }
        let before = outstation.requests.count
        let responses = try master.poll(.events(.class1))
        #expect(Array(outstation.requests[before...].map { $0[1] }) == [1, 0])
        #expect(outstation.requests.last == Request.confirm(sequence: 3, unsolicited: true))
        #expect(responses.map(\.header.isUnsolicited) == [true, false])
        #expect(responses.flatMap(\.measurements).map(\.index) == [2, 0])  // not the stale index 5
    }

    @Test func noAnswerIsATimeoutAndAnUnreadableAnswerIsNotConfirmed() throws {
        let outstation = ScriptedOutstation()
        let master = Self.master(outstation)
        _ = try master.poll(.integrity)
        outstation.answer = { _ in [] }
        #expect(throws: DNP3MasterError.self) { try master.poll(.events(.class2)) }
        outstation.answer = { [ScriptedOutstation.response(to: $0, con: true, objects: [99, 1, 0x00, 0, 0, 1])] }
        let before = outstation.requests.count
        do {
            _ = try master.poll(.events(.class2))
            Issue.record("an unknown object should fail the poll")
        } catch {
            #expect(error.kind == .decode)
            #expect(error.description.contains("g99v1"))
        }
        #expect(outstation.requests[before...].map { $0[1] } == [1])  // no CONFIRM
    }
}

extension UInt32 {
    var littleEndianBytes: [UInt8] { (0..<4).map { UInt8((self >> (8 * $0)) & 0xFF) } }
}
