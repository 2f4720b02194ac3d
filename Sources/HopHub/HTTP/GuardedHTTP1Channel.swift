import HopHubCore
import HopHubSQLite
import HummingbirdCore
import Logging
import NIOCore

/// The hub's HTTP/1.1 connections: Hummingbird's `HTTP1Channel` with the idle timeout, the body
/// read timeout (`BodyReadTimeoutHandler`) and a cap on open connections per peer address. A
/// connection over the cap is answered `429` with `Retry-After` and closed before any request of it
/// is read.
struct GuardedHTTP1Channel: ServerChildChannel {
    typealias Value = HTTP1Channel.Value

    let inner: HTTP1Channel
    let connections: ConnectionsPerAddress
    let retryAfterSeconds: Int

    init(responder: @escaping HTTPChannelHandler.Responder, settings: HTTPServerSettings, trustedProxies: Set<String>, retryAfterSeconds: Int, logger: Logger) {
        let readTimeout = TimeAmount.seconds(Int64(settings.readTimeoutSeconds))
        inner = HTTP1Channel(
            responder: responder,
            configuration: .init(
                additionalChannelHandlers: [BodyReadTimeoutHandler(timeout: readTimeout, logger: logger)],
                idleTimeout: .seconds(Int64(settings.idleTimeoutSeconds))))
        connections = ConnectionsPerAddress(limit: settings.maxConnectionsPerAddress, exempt: trustedProxies)
        self.retryAfterSeconds = retryAfterSeconds
    }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        if let address = channel.remoteAddress?.ipAddress {
            if connections.open(address) {
                let connections = self.connections
                channel.closeFuture.whenComplete { _ in connections.close(address) }
            } else {
                logger.notice(
                    "connection refused: too many from one address",
                    metadata: ["peer": "\(address)", "max_connections_per_address": "\(connections.limit)"])
                // Written before the HTTP handlers exist, so it goes straight to the socket.
                channel.writeAndFlush(tooManyConnections(channel.allocator)).whenComplete { _ in channel.close(promise: nil) }
            }
        }
        return inner.setup(channel: channel, logger: logger)
    }

    func handle(value: Value, logger: Logger) async {
        await inner.handle(value: value, logger: logger)
    }

    private func tooManyConnections(_ allocator: ByteBufferAllocator) -> ByteBuffer {
        let body = #"{"error":{"code":"rate_limited","message":"too many open connections from this address (limit \#(connections.limit)); close some and retry"}}"#
        let head = "HTTP/1.1 429 Too Many Requests\r\nContent-Type: application/json; charset=utf-8\r\n"
            + "Retry-After: \(retryAfterSeconds)\r\nConnection: close\r\nContent-Length: \(body.utf8.count)\r\n\r\n"
        return allocator.buffer(string: head + body)
    }
}
