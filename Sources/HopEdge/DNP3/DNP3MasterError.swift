import HopDNP3

/// Why a DNP3 exchange failed.
enum DNP3MasterError: Error, CustomStringConvertible {
    /// The channel could not be opened.
    case connect(DNP3ChannelError)
    /// The channel failed or closed; the connection is dropped.
    case channel(DNP3ChannelError)
    /// No (complete) answer within the response timeout.
    case timeout(request: String, waited: Duration)
    /// A fragment that cannot be read.
    case fragment(DNP3Error, request: String)
    /// The outstation refused the request (IIN2: no function code support, object unknown, parameter error).
    case refused(request: String, iin: IIN)

    var description: String {
        switch self {
        case .connect(let e): "\(e)"
        case .channel(let e): "\(e)"
        case .timeout(let request, let waited): "no complete response to \(request) within \(waited.compact)"
        case .fragment(let e, let request): "response to \(request): \(e)"
        case .refused(let request, let iin): "\(request) refused by the outstation (IIN \(iin))"
        }
    }

    /// The poller's view of the failure.
    var kind: DeviceError.Kind {
        switch self {
        case .connect: .connect
        case .channel, .timeout: .transport
        case .fragment: .decode
        case .refused: .exception
        }
    }
}
