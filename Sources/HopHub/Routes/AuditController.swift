import HopHubCore
import HopHubSQLite
import Foundation
import HTTPTypes
import HopProtocol
import Hummingbird
import NIOCore

/// `/api/admin/audit` (JSON) and `/api/admin/audit.csv` (download): the audit log, newest first,
/// filtered by actor, action, target, outcome, since/until (RFC 3339) and limit (≤ 10,000).
/// Admin scope only; a bad filter is a 400 naming the parameter.
struct AuditController {
    let store: any AuditStore

    /// Registers `audit` and `audit.csv` on the `/api/admin` group.
    func addRoutes(to group: RouterGroup<HubRequestContext>) {
        group.get("audit", use: list)
        group.get("audit.csv", use: csv)
    }

    /// `GET /audit`: matching entries as JSON, newest first.
    @Sendable func list(_ request: Request, context: HubRequestContext) async throws -> [AuditEntryView] {
        _ = try context.requireAdmin()
        let filter = try Self.filter(request)
        return try await store.auditEntries(filter).map(AuditEntryView.init)
    }

    /// `GET /audit.csv`: the same entries as an RFC 4180 attachment.
    @Sendable func csv(_ request: Request, context: HubRequestContext) async throws -> Response {
        _ = try context.requireAdmin()
        let filter = try Self.filter(request)
        let entries = try await store.auditEntries(filter)
        let stamp = SourceTime.now().rfc3339.replacingOccurrences(of: ":", with: "")
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/csv; charset=utf-8; header=present",
                .contentDisposition: "attachment; filename=\"hop-audit-\(stamp).csv\"",
                .cacheControl: "no-store",
            ],
            body: .init(byteBuffer: ByteBuffer(string: AuditCSV.document(entries))))
    }

    /// The query string as a filter; repeated parameters are refused rather than silently merged.
    static func filter(_ request: Request) throws(HubError) -> AuditFilter {
        var parameters: [String: String] = [:]
        for (name, value) in request.uri.queryParameters {
            let key = String(name)
            guard parameters[key] == nil else {
                throw HubError(.invalidParameter, "parameter '\(key)' is given more than once", field: key)
            }
            parameters[key] = String(value)
        }
        return try AuditFilter(parameters: parameters)
    }
}

extension AuditEntryView: ResponseEncodable {}
