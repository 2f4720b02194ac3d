import HopHubCore
import HopHubSQLite
import Foundation
import HopProtocol
import Hummingbird

extension HubRequestContext {
    /// The caller, who must hold the `admin` scope: 401 without authentication, 403 otherwise
    /// (an operator's session, a read or ingest key).
    func requireAdmin() throws -> Principal {
        let principal = try requirePrincipal()
        try principal.require(.admin)
        return principal
    }

    /// A path parameter, percent-decoded (the portal sends `op%40example.com`); 400 when it does not decode.
    func pathParameter(_ name: String) throws -> String {
        let raw = try parameters.require(name)
        guard let decoded = raw.removingPercentEncoding, !decoded.isEmpty else {
            throw HubError(.invalidParameter, "the \(name) in the path is not valid percent-encoding", field: name)
        }
        return decoded
    }
}
