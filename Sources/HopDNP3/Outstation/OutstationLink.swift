/// The link and transport layers on the outstation's side of one association: whole request
/// fragments out of received bytes (answering link-layer requests on the way), and wire bytes for
/// a response fragment (unconfirmed user data, one transport segment per frame). Pure: the caller
/// owns the socket.
public struct OutstationLink: Sendable {
    public let outstation: UInt16
    public let master: UInt16
    private var parser = LinkParser()
    private var secondary = LinkSecondaryState()
    private var reassembler = TransportReassembler()
    private var transportSequence: UInt8 = 0

    public init(outstation: UInt16, master: UInt16) {
        self.outstation = outstation
        self.master = master
    }

    /// Frames dropped for a bad CRC, length or function so far.
    public var droppedFrames: Int { parser.droppedCount }

    /// Feeds received bytes; returns link-layer answers to send at once and completed request
    /// fragments. Frames not from this association's master to this outstation are ignored.
    public mutating func receive<C: Collection>(_ bytes: C) -> (replies: [UInt8], fragments: [[UInt8]]) where C.Element == UInt8 {
        var replies: [UInt8] = []
        var fragments: [[UInt8]] = []
        for frame in parser.feed(bytes) {
            guard frame.destination == outstation, frame.source == master, frame.control.fromMaster else { continue }
            let (reply, data) = secondary.receive(frame, localAddress: outstation, isMaster: false)
            if let reply { replies += reply.encoded() }
            if let data, let fragment = reassembler.receive(data) { fragments.append(fragment) }
        }
        return (replies, fragments)
    }

    /// The wire bytes of one application fragment to the master.
    public mutating func encode(_ fragment: [UInt8]) -> [UInt8] {
        let (segments, next) = TransportSegment.segments(of: fragment, startingAt: transportSequence)
        transportSequence = next
        return segments.flatMap { segment in
            LinkFrame(
                control: LinkControl(fromMaster: false, function: .primary(.unconfirmedUserData)), destination: master,
                source: outstation, userData: segment
            ).encoded()
        }
    }
}
