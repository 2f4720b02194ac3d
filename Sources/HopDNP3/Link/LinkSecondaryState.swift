/// What a station does with a primary frame it received, including frame-count-bit (FCB)
/// tracking for confirmed user data: a repeated FCB is a retry of a frame already delivered, so it
/// is acknowledged again but its data is not passed up twice.
public struct LinkSecondaryState: Sendable {
    /// The FCB the next confirmed frame should carry; `nil` until the peer resets the link.
    private var expectedFCB: Bool?

    public init() {}

    /// The answer to `frame` (if any) and the user data to pass to the transport layer (if any).
    public mutating func receive(_ frame: LinkFrame, localAddress: UInt16, isMaster: Bool) -> (reply: LinkFrame?, data: [UInt8]?) {
        guard case .primary(let function) = frame.control.function else { return (nil, nil) }
        func answer(_ f: LinkFunction.Secondary) -> LinkFrame {
            LinkFrame(
                control: LinkControl(fromMaster: isMaster, function: .secondary(f)), destination: frame.source,
                source: localAddress)
        }
        switch function {
        case .resetLinkStates:
            expectedFCB = true
            return (answer(.ack), nil)
        case .requestLinkStatus:
            return (answer(.linkStatus), nil)
        case .testLinkStates:
            return (answer(.ack), nil)
        case .unconfirmedUserData:
            return (nil, frame.userData)
        case .confirmedUserData:
            // Without a prior reset, accept and follow the peer's count.
            if let expected = expectedFCB, frame.control.fcvOrDFC, frame.control.fcb != expected {
                return (answer(.ack), nil)  // a retry of the previous frame
            }
            expectedFCB = !frame.control.fcb
            return (answer(.ack), frame.userData)
        }
    }
}
