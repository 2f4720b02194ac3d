import HopEdge
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix

/// One bench edge's `HubClient`: HTTP/1.1 over one kept-alive NIO connection, one request at a
/// time (as `CurlHubClient`), reconnecting after any failure. Every attempt, refused or not, is
/// counted in `traffic` by the second it was made.
final class FleetClient: HubClient, Sendable {
    let group: any EventLoopGroup
    let port: Int
    let traffic: Traffic
    private let channel = NIOLockedValueBox<(any Channel)?>(nil)

    init(group: any EventLoopGroup, port: Int, traffic: Traffic) {
        self.group = group
        self.port = port
        self.traffic = traffic
    }

    func postBatch(_ body: [UInt8], gzip: Bool) async throws(HubTransportError) -> HubResponse {
        try await request(.POST, "/api/ingest/batch", body: body)
    }

    func probe() async throws(HubTransportError) -> Int {
        try await request(.GET, "/api/health", body: nil).status
    }

    func close() {
        channel.withLockedValue { $0 }?.close(promise: nil)
    }

    private func request(_ method: HTTPMethod, _ uri: String, body: [UInt8]?) async throws(HubTransportError) -> HubResponse {
        traffic.count(method == .GET ? .clientProbe : .clientPost)
        do {
            let connection = try await connect()
            let promise = connection.eventLoop.makePromise(of: HubResponse.self)
            var head = HTTPRequestHead(version: .http1_1, method: method, uri: uri)
            head.headers.add(name: "Host", value: "127.0.0.1:\(port)")
            head.headers.add(name: "Content-Length", value: "\(body?.count ?? 0)")
            if body != nil { head.headers.add(name: "Content-Type", value: "application/json") }
            try await connection.writeAndFlush(ExchangeHandler.Exchange(head: head, body: body ?? [], promise: promise))
            return try await promise.futureResult.get()
        } catch {
            channel.withLockedValue { current in
                current?.close(promise: nil)
                current = nil
            }
            throw HubTransportError(url: "http://127.0.0.1:\(port)\(uri)", message: "\(error)")
        }
    }

    private func connect() async throws -> any Channel {
        if let open = channel.withLockedValue({ $0 }), open.isActive { return open }
        let fresh = try await ClientBootstrap(group: group)
            .connectTimeout(.seconds(1))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(ExchangeHandler())
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
        channel.withLockedValue { $0 = fresh }
        return fresh
    }
}

/// Writes one request and completes its promise with the response (or the connection's failure).
private final class ExchangeHandler: ChannelDuplexHandler {
    struct Exchange: Sendable {
        var head: HTTPRequestHead
        var body: [UInt8]
        var promise: EventLoopPromise<HubResponse>
    }

    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundIn = Exchange
    typealias OutboundOut = HTTPClientRequestPart

    private var pending: EventLoopPromise<HubResponse>?
    private var response = HubResponse(status: 0)

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let exchange = unwrapOutboundIn(data)
        pending = exchange.promise
        response = HubResponse(status: 0)
        context.write(wrapOutboundOut(.head(exchange.head)), promise: nil)
        if !exchange.body.isEmpty {
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: exchange.body)))), promise: nil)
        }
        context.write(wrapOutboundOut(.end(nil)), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            response.status = Int(head.status.code)
            for (name, value) in head.headers { response.headers[name.lowercased()] = value }
        case .body(let buffer):
            response.body += buffer.readableBytesView
        case .end:
            pending?.succeed(response)
            pending = nil
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        pending?.fail(ChannelError.ioOnClosedChannel)
        pending = nil
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        pending?.fail(error)
        pending = nil
        context.close(promise: nil)
    }
}
