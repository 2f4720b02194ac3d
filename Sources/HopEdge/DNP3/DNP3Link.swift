import HopDNP3

/// The link and transport layers of one master–outstation association over a channel: sends
/// request fragments as unconfirmed user data, answers link-layer requests (link status, reset,
/// confirmed data), drops frames with a bad CRC or for other addresses, and yields whole fragments.
final class DNP3Link {
    let channel: any DNP3Channel
    let master: UInt16
    let outstation: UInt16
    private var parser = LinkParser()
    private var secondary = LinkSecondaryState()
    private var reassembler = TransportReassembler()
    private var transportSequence: UInt8 = 0
    private var fragments: [[UInt8]] = []
    /// Frames dropped for a bad CRC or length since the channel opened, and in total.
    private(set) var droppedFrames = 0

    init(channel: any DNP3Channel, master: UInt16, outstation: UInt16) {
        self.channel = channel
        self.master = master
        self.outstation = outstation
    }

    func reset() {
        parser.reset()
        reassembler.reset()
        secondary = LinkSecondaryState()
        fragments.removeAll()
    }

    /// Sends one application fragment.
    func send(_ fragment: [UInt8]) throws(DNP3ChannelError) {
        let (segments, next) = TransportSegment.segments(of: fragment, startingAt: transportSequence)
        transportSequence = next
        var bytes: [UInt8] = []
        for segment in segments {
            bytes += LinkFrame(
                control: LinkControl(fromMaster: true, function: .primary(.unconfirmedUserData)), destination: outstation,
                source: master, userData: segment
            ).encoded()
        }
        try channel.write(bytes)
    }

    /// The next fragment from the outstation, or `nil` when `deadline` passes first.
    func receive(until deadline: ContinuousClock.Instant) throws(DNP3ChannelError) -> [UInt8]? {
        let clock = ContinuousClock()
        while fragments.isEmpty {
            let left = deadline - clock.now
            guard left > .zero else { return nil }
            let bytes = try channel.read(timeout: left)
            let before = parser.droppedCount
            for frame in parser.feed(bytes) {
                guard frame.destination == master, frame.source == outstation, !frame.control.fromMaster else { continue }
                let (reply, data) = secondary.receive(frame, localAddress: master, isMaster: true)
                if let reply { try channel.write(reply.encoded()) }
                if let data, let fragment = reassembler.receive(data) { fragments.append(fragment) }
            }
            droppedFrames += parser.droppedCount - before
        }
        return fragments.removeFirst()
    }

    /// Why the most recent frames were dropped.
    var recentDrops: [LinkError] { parser.dropped }
}
