import HopHubCore
import HopHubSQLite
import HTTPTypes
import Logging
import NIOCore
import NIOHTTPTypes

/// Closes a connection whose request body stops arriving: after a request's headers, every next
/// part must come within `timeout` (as nginx's `client_body_timeout`). Waiting for a request to
/// start is the idle timeout's job; a response being written (a live stream) is never cut.
final class BodyReadTimeoutHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    let timeout: TimeAmount
    let logger: Logger
    private var deadline: Scheduled<Void>?

    init(timeout: TimeAmount, logger: Logger) {
        self.timeout = timeout
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head, .body:
            arm(context)
        case .end:
            disarm()
        }
        context.fireChannelRead(data)
    }

    func channelInactive(context: ChannelHandlerContext) {
        disarm()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        disarm()
    }

    private func arm(_ context: ChannelHandlerContext) {
        deadline?.cancel()
        let loopBound = NIOLoopBound((context, logger, timeout), eventLoop: context.eventLoop)
        deadline = context.eventLoop.scheduleTask(in: timeout) {
            let (context, logger, timeout) = loopBound.value
            logger.notice(
                "request body stalled; closing the connection",
                metadata: ["peer": "\(context.channel.remoteAddress?.ipAddress ?? "?")", "read_timeout_s": "\(timeout.nanoseconds / 1_000_000_000)"])
            context.close(promise: nil)
        }
    }

    private func disarm() {
        deadline?.cancel()
        deadline = nil
    }
}
