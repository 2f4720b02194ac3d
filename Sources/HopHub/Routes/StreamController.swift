import HopHubCore
import HopHubSQLite
import Foundation
import HTTPTypes
import HopProtocol
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// `GET /api/stream`: the live feed as Server-Sent Events, filtered by the caller's substations
/// (optionally narrowed with `?substation_id=`). docs/live.md describes the events.
struct StreamController {
    let live: LiveFeed
    let settings: LiveSettings
    let retryAfterSeconds: Int

    /// The stream's response headers.
    static let headers: HTTPFields = [
        .contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-cache",
        HTTPField.Name("X-Accel-Buffering")!: "no",
    ]

    func addRoutes(to group: RouterGroup<HubRequestContext>) {
        group.get("stream", use: stream)
        // Explicit, so that HEAD (a monitoring probe) checks access without opening a stream.
        group.head("stream", use: probe)
    }

    /// The caller and the substations its stream may carry: 401/403/400 like every query.
    static func access(_ request: Request, _ context: HubRequestContext) throws -> (Principal, SubstationScope) {
        let principal = try context.requirePrincipal()
        try principal.require(.read)
        return (principal, try QueryParameters(request: request).scope(for: principal))
    }

    /// `HEAD /api/stream`: the same checks and headers as GET, no subscription.
    @Sendable func probe(_ request: Request, context: HubRequestContext) async throws -> Response {
        _ = try Self.access(request, context)
        return Response(status: .ok, headers: Self.headers)
    }

    @Sendable func stream(_ request: Request, context: HubRequestContext) async throws -> Response {
        let (principal, scope) = try Self.access(request, context)
        let lastEventID = request.headers[HTTPField.Name("Last-Event-ID")!]
        // The key's public id (the middleware already checked the key): a rotation changes it.
        let keyID = principal.kind == .apiKey ? request.headers[AuthMiddleware.apiKeyHeader].flatMap(APIKeyGenerator.parse)?.id : nil
        let id: UUID
        do {
            id = try await live.subscribe(
                scope: scope, user: principal.kind == .user ? principal.name : nil,
                key: principal.kind == .apiKey ? principal.name : nil, keyID: keyID,
                session: context.session?.session.idHash, rightsVersion: context.session?.user.updatedAt,
                lastEventID: lastEventID,
                endsAt: context.session?.session.expiresAt,
                pageLoad: request.uri.queryParameters["page_load"] == "1")
        } catch .tooManyStreamsForCaller(let limit) {
            throw HubError(
                .rateLimited,
                "\(principal.kind.rawValue) '\(principal.name)' already has \(limit) live streams open (live.max_streams_per_caller); close a tab or retry later",
                retryAfterSeconds: max(retryAfterSeconds, 5))
        } catch .tooManyStreams(let limit) {
            throw HubError(
                .unavailable, "the hub already serves \(limit) live streams (live.max_streams); retry later",
                retryAfterSeconds: max(retryAfterSeconds, 5))
        } catch .closed {
            throw HubError(.unavailable, "hub is shutting down; retry later", retryAfterSeconds: max(retryAfterSeconds, 5))
        }
        let live = self.live
        let retry = settings.retryMilliseconds
        let logger = context.logger
        return Response(status: .ok, headers: Self.headers, body: ResponseBody { writer in
            do {
                try await withGracefulShutdownHandler {
                    try await writer.write(ServerSentEvent.preamble(retryMilliseconds: retry))
                    while let frames = await live.next(id) {
                        var bytes = ByteBuffer()
                        for frame in frames {
                            if var encoded = ServerSentEvent.encode(frame, id: live.eventID, scope: scope) {
                                bytes.writeBuffer(&encoded)
                            }
                        }
                        if bytes.readableBytes > 0 { try await writer.write(bytes) }
                    }
                } onGracefulShutdown: {
                    // Told `shutdown` (the feed's own close may come first: then this does nothing).
                    Task { await live.end(id, reason: .shutdown) }
                }
            } catch {
                // The client went away (write failed): nothing to answer, just release the stream.
                logger.debug("live stream closed by client", metadata: ["error": "\(error)"])
                await live.cancel(id)
                return
            }
            await live.cancel(id)
            try await writer.finish(nil)
        })
    }
}
