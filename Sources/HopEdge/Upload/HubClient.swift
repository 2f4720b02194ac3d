/// The hub's answer to one POST.
public struct HubResponse: Sendable, Hashable {
    public var status: Int
    /// Header names lower-cased.
    public var headers: [String: String]
    public var body: [UInt8]

    public init(status: Int, headers: [String: String] = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// A transport failure: nothing (or nothing complete) came back. Always retryable.
public struct HubTransportError: Error, Sendable, Hashable, CustomStringConvertible {
    public var url: String
    public var message: String

    public init(url: String, message: String) {
        self.url = url
        self.message = message
    }

    public var description: String { "POST \(url): \(message)" }
}

/// Sends batch bodies to the hub. Live: `CurlHubClient`; tests use fakes or a real hub.
public protocol HubClient: Sendable {
    /// POSTs `body` (gzip-compressed when `gzip`) to the batch endpoint.
    func postBatch(_ body: [UInt8], gzip: Bool) async throws(HubTransportError) -> HubResponse
    /// Asks whether the hub answers at all (`GET <url>/api/health`, no key, no body): the HTTP
    /// status, whatever it is. The uploader probes instead of re-sending a batch while the hub is
    /// unreachable.
    func probe() async throws(HubTransportError) -> Int
}
