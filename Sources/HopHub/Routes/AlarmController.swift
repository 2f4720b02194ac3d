import HopHubCore
import HopHubSQLite
import Foundation
import HopProtocol
import Hummingbird
import NIOCore

/// `/api/alarms`: list, summary (banner counts), KPIs, one alarm with its history, and the
/// operator actions (acknowledge, shelve, unshelve, out of service, return to service). Reads
/// need the `read` scope and see only granted substations; actions need a portal user whose role
/// is operator or admin (executives and API keys get 403), and are audited. docs/alarms.md.
struct AlarmController {
    let alarms: AlarmEngine
    let audit: any AuditStore

    init(alarms: AlarmEngine, audit: any AuditStore) {
        self.alarms = alarms
        self.audit = audit
    }

    static let bodyReader = BodyReader(maxBytes: 64 * 1024, maxDecompressedBytes: 64 * 1024)

    func addRoutes(to group: RouterGroup<HubRequestContext>) {
        group.get(use: list)
        group.get("summary", use: summary)
        group.get("kpis", use: kpis)
        group.post("acknowledge", use: acknowledgeMany)
        group.get(":id/history", use: one)
        group.post(":id/acknowledge", use: acknowledgeOne)
        group.post(":id/shelve", use: shelve)
        group.post(":id/unshelve", use: unshelve)
        group.post(":id/out-of-service", use: removeFromService)
        group.post(":id/return-to-service", use: returnToService)
    }

    /// An action's body; each action reads the fields it needs.
    struct ActionBody: Decodable {
        var ids: [Int64]?
        var comment: String?
        var reason: String?
        /// RFC 3339 end of a shelf.
        var until: SourceTime?
        /// Or its length, seconds.
        var durationSeconds: Int?
        enum CodingKeys: String, CodingKey {
            case ids, comment, reason, until
            case durationSeconds = "duration_s"
        }
    }

    /// `GET /api/alarms/{id}/history`.
    struct Detail: ResponseEncodable {
        var alarm: Alarm
        var history: [AlarmHistoryEntry]
    }

    @Sendable func list(_ request: Request, context: HubRequestContext) async throws -> [Alarm] {
        let principal = try context.requirePrincipal()
        try principal.require(.read)
        let params = QueryParameters(request: request)
        var filter = AlarmFilter(scope: principal.substations, limit: try params.limit(default: 500, max: 10_000))
        filter.substation = try params.substation(for: principal)
        filter.states = try Self.list(request, "state", AlarmState.init(rawValue:), AlarmState.allCases.map(\.rawValue))
        filter.priorities = try Self.list(request, "priority", AlarmPriority.init(rawValue:), AlarmPriority.allCases.map(\.rawValue))
        return try await alarms.alarms(filter)
    }

    @Sendable func summary(_ request: Request, context: HubRequestContext) async throws -> AlarmSummary {
        let principal = try context.requirePrincipal()
        try principal.require(.read)
        return try await alarms.summary(scope: try QueryParameters(request: request).scope(for: principal))
    }

    @Sendable func kpis(_ request: Request, context: HubRequestContext) async throws -> AlarmKPIs {
        let principal = try context.requirePrincipal()
        try principal.require(.read)
        return try await alarms.kpis(scope: try QueryParameters(request: request).scope(for: principal))
    }

    @Sendable func one(_ request: Request, context: HubRequestContext) async throws -> Detail {
        let principal = try context.requirePrincipal()
        try principal.require(.read)
        let (alarm, history) = try await alarms.alarm(id: try Self.id(context), scope: principal.substations)
        return Detail(alarm: alarm, history: history)
    }

    @Sendable func acknowledgeMany(_ request: Request, context: HubRequestContext) async throws -> [Alarm] {
        let body = try await Self.body(request)
        guard let ids = body.ids, !ids.isEmpty else { throw HubError(.validationFailed, "ids must list at least one alarm id", field: "ids") }
        guard ids.count <= 1000 else { throw HubError(.validationFailed, "at most 1000 ids at once", field: "ids") }
        var seen = Set<Int64>()
        let unique = ids.filter { seen.insert($0).inserted }
        return try await act(unique, .acknowledge(comment: Self.text(body.comment)), context)
    }

    @Sendable func acknowledgeOne(_ request: Request, context: HubRequestContext) async throws -> Alarm {
        let body = try await Self.body(request)
        return try await act([try Self.id(context)], .acknowledge(comment: Self.text(body.comment)), context)[0]
    }

    @Sendable func shelve(_ request: Request, context: HubRequestContext) async throws -> Alarm {
        let body = try await Self.body(request)
        let until: Int64
        switch (body.until, body.durationSeconds) {
        case (let time?, nil): until = time.epochMilliseconds
        case (nil, let seconds?): until = SourceTime.now().epochMilliseconds + Int64(seconds) * 1000
        default: throw HubError(.validationFailed, "send either until (RFC 3339) or duration_s", field: "until")
        }
        return try await act([try Self.id(context)], .shelve(until: until, reason: Self.text(body.reason) ?? ""), context)[0]
    }

    @Sendable func unshelve(_ request: Request, context: HubRequestContext) async throws -> Alarm {
        try await act([try Self.id(context)], .unshelve, context)[0]
    }

    @Sendable func removeFromService(_ request: Request, context: HubRequestContext) async throws -> Alarm {
        let body = try await Self.body(request)
        return try await act([try Self.id(context)], .removeFromService(reason: Self.text(body.reason) ?? ""), context)[0]
    }

    @Sendable func returnToService(_ request: Request, context: HubRequestContext) async throws -> Alarm {
        try await act([try Self.id(context)], .returnToService, context)[0]
    }

    /// Checks who may act, applies, and audits the outcome (success, or the refusal and why).
    func act(_ ids: [Int64], _ action: AlarmOperatorAction, _ context: HubRequestContext) async throws -> [Alarm] {
        let principal = try context.requirePrincipal()
        let actor = AuditActor(principal, sourceAddress: context.clientAddress)
        let target = ids.map { "alarm:\($0)" }.joined(separator: ",")
        do {
            guard principal.kind == .user, let role = context.session?.user.role else {
                throw HubError(.forbidden, "\(principal.kind.rawValue) '\(principal.name)' may not act on alarms: log in as an operator")
            }
            guard role == .operator || role == .admin else {
                throw HubError(.forbidden, "'\(principal.name)' is an \(role.rawValue): executives see alarms but do not act on them")
            }
            let changed = try await alarms.act(ids: ids, action, by: actor.name, scope: principal.substations)
            let detail = changed.map { "\($0.type) \($0.substationID)\($0.feederID.map { "/\($0)" } ?? ""): \($0.state.rawValue)" }
                .joined(separator: "; ")
            try await audit.appendAudit(actor.entry(action.auditAction, target: target, detail: Self.detail(action, detail)))
            return changed
        } catch let error as HubError {
            let outcome: AuditOutcome = error.code == .forbidden ? .denied : .failure
            try await audit.appendAudit(actor.entry(action.auditAction, target: target, outcome: outcome, detail: error.message))
            throw error
        }
    }

    static func detail(_ action: AlarmOperatorAction, _ alarms: String) -> String {
        switch action {
        case .acknowledge(let comment): comment.map { "\(alarms); comment: \($0)" } ?? alarms
        case .shelve(let until, let reason):
            "\(alarms); until \(SourceTime(epochMilliseconds: until)); reason: \(reason)"
        case .removeFromService(let reason): "\(alarms); reason: \(reason)"
        case .unshelve, .returnToService: alarms
        }
    }

    static func body(_ request: Request) async throws -> ActionBody {
        let buffer = try await bodyReader.read(request)
        if buffer.readableBytes == 0 { return ActionBody() }
        return try BodyReader.decode(ActionBody.self, from: buffer)
    }

    /// Trimmed, nil when empty; at most 1000 characters.
    static func text(_ value: String?) -> String? {
        guard let t = value?.trimmingCharacters(in: .whitespacesAndNewlines), !t.isEmpty else { return nil }
        return String(t.prefix(1000))
    }

    static func id(_ context: HubRequestContext) throws(HubError) -> Int64 {
        let text = context.parameters.get("id") ?? ""
        guard let id = Int64(text), id > 0 else {
            throw HubError(.invalidParameter, "alarm id must be a positive integer, got '\(text.prefix(40))'", field: "id")
        }
        return id
    }

    /// A comma-separated filter of known values; 400 naming the unknown one.
    static func list<T: Hashable>(_ request: Request, _ name: String, _ make: (String) -> T?, _ known: [String]) throws(HubError)
        -> Set<T>
    {
        guard let text = request.uri.queryParameters[Substring(name)], !text.isEmpty else { return [] }
        var values = Set<T>()
        for part in text.split(separator: ",") {
            guard let value = make(String(part).trimmingCharacters(in: .whitespaces)) else {
                throw HubError(
                    .invalidParameter, "\(name) '\(part)' is not one of \(known.joined(separator: ", "))", field: name)
            }
            values.insert(value)
        }
        return values
    }
}

extension Alarm: ResponseEncodable {}
extension AlarmSummary: ResponseEncodable {}
extension AlarmKPIs: ResponseEncodable {}
