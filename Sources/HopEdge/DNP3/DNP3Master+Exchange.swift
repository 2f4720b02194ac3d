import HopDNP3
import Logging

extension DNP3Master {
    /// Sends one request and collects its (possibly multi-fragment) response, confirming fragments
    /// that ask for it; unsolicited fragments received meanwhile are confirmed and collected too.
    func exchange(_ what: String, _ build: (UInt8) -> [UInt8]) throws(DNP3MasterError) -> [ParsedResponse] {
        let seq = sequence
        sequence = (sequence + 1) & 0x0F
        let request = build(seq)
        let isRead = request.count > 1 && request[1] == FunctionCode.read.rawValue
        do { try link.send(request) } catch { throw .channel(error) }
        var expected = seq
        var first = true
        var received: [ParsedResponse] = []
        while true {
            let fragment: [UInt8]?
            do { fragment = try receive(until: clock.now + timeout) } catch { throw .channel(error) }
            guard let fragment else { throw .timeout(request: what, waited: timeout) }
            let header: ResponseHeader
            do { header = try ResponseHeader.parse(fragment) } catch { continue }
            if header.isUnsolicited {
                received.append(try unsolicited(fragment, header: header))
                continue
            }
            // A stale answer to an earlier request (after a timeout) is not ours.
            guard header.control.sequence == expected, header.control.fir == first else { continue }
            let parsed: ParsedResponse
            do { parsed = try ResponseParser.parse(fragment) } catch { throw .fragment(error, request: what) }
            if header.control.con { try send(Request.confirm(sequence: header.control.sequence, unsolicited: false)) }
            received.append(parsed)
            if header.iin.refused && first {
                // A READ answer still carries what the outstation knows; other requests failed.
                guard isRead else { throw .refused(request: what, iin: header.iin) }
                if !warnedRefusal { logger.warning("\(what): outstation answers IIN \(header.iin); using what it sent") }
                warnedRefusal = true
            }
            if header.control.fin { return received }
            first = false
            expected = (expected + 1) & 0x0F
        }
    }

    /// Parses and confirms an unsolicited fragment. One that cannot be read is not confirmed, so
    /// the outstation keeps its events rather than losing them.
    func unsolicited(_ fragment: [UInt8], header: ResponseHeader) throws(DNP3MasterError) -> ParsedResponse {
        let parsed: ParsedResponse
        do { parsed = try ResponseParser.parse(fragment) } catch { throw .fragment(error, request: "unsolicited response") }
        if header.control.con { try send(Request.confirm(sequence: header.control.sequence, unsolicited: true)) }
        return parsed
    }

    /// The next fragment; frames dropped on the way (bad CRC) are logged.
    func receive(until deadline: ContinuousClock.Instant) throws(DNP3ChannelError) -> [UInt8]? {
        defer {
            if link.droppedFrames > reportedDrops {
                let why = link.recentDrops.last.map { "\($0)" } ?? "unknown"
                logger.warning("dropped \(link.droppedFrames - reportedDrops) corrupted frame(s) from the outstation (\(why))")
                reportedDrops = link.droppedFrames
            }
        }
        return try link.receive(until: deadline)
    }

    func send(_ fragment: [UInt8]) throws(DNP3MasterError) {
        do { try link.send(fragment) } catch { throw .channel(error) }
    }
}
