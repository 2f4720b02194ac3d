import HopHubCore
import HopHubSQLite
import HTTPTypes
import HopProtocol
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1

/// Turns every error into the API's JSON error shape and records request metrics. Framework
/// errors keep their status (no route 404, body too large 413), a known path asked with a method it
/// does not answer is a 405 with `Allow`; a database out of reach (`StoreUnavailable`, or an error
/// the store classifies as one) is a 503 with `Retry-After`; anything unexpected is a 500 with the
/// detail logged, never sent.
public struct ErrorAndMetricsMiddleware: RouterMiddleware {
    public typealias Context = HubRequestContext
    let metrics: HubMetrics
    let retryAfterSeconds: Int
    let allowed: AllowedMethods
    /// Tells a lost database from other failures (nil: the store is a file and is never unreachable).
    let availability: (any StoreAvailability)?

    init(metrics: HubMetrics, retryAfterSeconds: Int, allowed: AllowedMethods, availability: (any StoreAvailability)? = nil) {
        self.metrics = metrics
        self.retryAfterSeconds = retryAfterSeconds
        self.allowed = allowed
        self.availability = availability
    }

    public func handle(
        _ request: Request, context: HubRequestContext, next: (Request, HubRequestContext) async throws -> Response
    ) async throws -> Response {
        let start = ContinuousClock.now
        let response: Response
        do {
            response = try await next(request, context)
        } catch let error as HubError {
            record(request, context, status: error.code.httpStatus, start)
            throw error
        } catch let error as HTTPError {
            let mapped: HubError
            switch error.status {
            case .notFound: mapped = notFound(request)
            case .methodNotAllowed: mapped = HubError(.methodNotAllowed, "\(request.method) is not allowed on \(request.uri.path)")
            case .contentTooLarge: mapped = HubError(.payloadTooLarge, "request body too large")
            case .unsupportedMediaType: mapped = HubError(.unsupportedMediaType, error.body ?? "unsupported media type")
            case .unauthorized: mapped = HubError(.unauthenticated, error.body ?? "authentication required")
            case .forbidden: mapped = HubError(.forbidden, error.body ?? "forbidden")
            case .badRequest: mapped = HubError(.invalidParameter, error.body ?? "bad request")
            default:
                if error.status.code < 500 {
                    mapped = HubError(.invalidParameter, error.body ?? "request refused (\(error.status.code))")
                } else {
                    mapped = HubError(.internalError, "internal error")
                }
            }
            record(request, context, status: mapped.code.httpStatus, start)
            throw mapped
        } catch let error as HTTPParserError {
            // The request itself is broken (a chunk size that is not hex, a bad header line): the
            // client's fault, so a 400 logged at debug, never a 500.
            context.logger.debug("malformed HTTP request", metadata: ["error": "\(error)", "path": "\(request.uri.path)"])
            record(request, context, status: 400, start)
            throw HubError(.malformedRequest, "the HTTP request is malformed (\(error)); nothing was stored by this request")
        } catch is NIOTooManyBytesError {
            record(request, context, status: 413, start)
            throw HubError(.payloadTooLarge, "request body too large")
        } catch let error as WriterError {
            record(request, context, status: 503, start)
            throw HubError(error, retryAfterSeconds: retryAfterSeconds)
        } catch let error as StoreUnavailable {
            record(request, context, status: 503, start)
            throw HubError(error, retryAfterSeconds: retryAfterSeconds, logger: context.logger, path: request.uri.path)
        } catch {
            if let unavailable = availability?.unavailability(of: error) {
                record(request, context, status: 503, start)
                throw HubError(unavailable, retryAfterSeconds: retryAfterSeconds, logger: context.logger, path: request.uri.path)
            }
            context.logger.error("request failed", metadata: ["error": "\(error)", "path": "\(request.uri.path)"])
            record(request, context, status: 500, start)
            throw HubError(.internalError, "internal error; nothing was stored by this request")
        }
        record(request, context, status: response.status.code, start)
        return response
    }

    /// No route answered: a 405 naming the methods when the path exists with others, else a 404.
    private func notFound(_ request: Request) -> HubError {
        let path = request.uri.path
        let methods = allowed.methods(for: path)
        guard !methods.isEmpty, !methods.contains(request.method.rawValue) else {
            return HubError(.notFound, "no such endpoint: \(request.method) \(path)")
        }
        return HubError(
            .methodNotAllowed, "\(request.method) is not allowed on \(path); it answers \(methods.joined(separator: ", "))",
            allowedMethods: methods)
    }

    private func record(_ request: Request, _ context: HubRequestContext, status: Int, _ start: ContinuousClock.Instant) {
        let route = context.endpointPath ?? "unmatched"
        metrics.request(route: route, method: request.method.rawValue, status: status, duration: ContinuousClock.now - start)
        if status >= 400, request.uri.path.hasPrefix("/api/ingest") {
            metrics.rejected(APIErrorCode.allCases.first { $0.httpStatus == status }?.rawValue ?? String(status))
        }
    }
}

extension HubError {
    /// A writer refusal as the client sees it: 503 with `Retry-After`.
    init(_ error: WriterError, retryAfterSeconds: Int) {
        switch error {
        case .saturated(let queued):
            self.init(
                .unavailable, "ingest writer saturated (\(queued) records queued); retry later",
                retryAfterSeconds: retryAfterSeconds)
        case .shuttingDown:
            self.init(.unavailable, "hub is shutting down; retry later", retryAfterSeconds: max(retryAfterSeconds, 5))
        }
    }
}

extension HubError {
    /// The database is out of reach: 503 with `Retry-After`. The client is not told where the
    /// database is or why; the log is (at warning: it is an outage, not a bug).
    init(_ error: StoreUnavailable, retryAfterSeconds: Int, logger: Logger, path: String) {
        logger.warning("store unavailable", metadata: ["error": "\(error)", "path": "\(path)"])
        self.init(
            .unavailable, "the hub's database is unavailable right now; retry later", retryAfterSeconds: max(retryAfterSeconds, 1))
    }
}
