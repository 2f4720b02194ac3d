import HopHubCore
import HopHubSQLite
import HopProtocol
import Hummingbird

/// The seed's query parameters (`substation_id`, `minutes`), checked with clear 400s.
struct QueryParameters {
    let request: Request

    /// `minutes` within 1…10080 (7 days); `fallback` when absent.
    func minutes(default fallback: Int) throws(HubError) -> Int {
        guard let text = request.uri.queryParameters["minutes"] else { return fallback }
        guard let value = Int(text), (1...10_080).contains(value) else {
            throw HubError(.invalidParameter, "minutes must be an integer from 1 to 10080 (7 days), got '\(text)'", field: "minutes")
        }
        return value
    }

    /// The optional `substation_id` filter; 403 when it is outside the caller's grants.
    func substation(for principal: Principal) throws(HubError) -> SubstationID? {
        guard let text = request.uri.queryParameters["substation_id"] else { return nil }
        let id = SubstationID(String(text))
        do {
            try Validator(now: .now()).identifier(id.rawValue, "substation_id")
        } catch {
            throw HubError(.invalidParameter, error.message, field: "substation_id")
        }
        try principal.requireAccess(to: id, action: "read")
        return id
    }

    /// The caller's scope narrowed to the requested substation, if any.
    func scope(for principal: Principal) throws(HubError) -> SubstationScope {
        if let one = try substation(for: principal) { return .only([one]) }
        return principal.substations
    }

    func limit(default fallback: Int, max: Int) throws(HubError) -> Int {
        guard let text = request.uri.queryParameters["limit"] else { return fallback }
        guard let value = Int(text), (1...max).contains(value) else {
            throw HubError(.invalidParameter, "limit must be an integer from 1 to \(max)", field: "limit")
        }
        return value
    }
}
