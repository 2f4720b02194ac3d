import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A failed POST to the hub, with the path and what went wrong.
public struct IngestError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var status: Int?
    public var message: String
    public var description: String {
        "POST \(path): " + (status.map { "HTTP \($0): " } ?? "") + message
    }
}

/// Where the REST mode sends records: the hub in production, a recorder in tests.
public protocol IngestClient: Sendable {
    /// POSTs a JSON body to `path` (e.g. `/api/ingest/telemetry`); throws unless the answer is 2xx.
    func post(path: String, body: Data) async throws(IngestError)
}

/// The hub's seed-compatible REST API over URLSession (libcurl underneath on Linux).
public struct URLSessionIngestClient: IngestClient {
    public let baseURL: URL
    public let apiKey: String
    let session: URLSession

    public init(baseURL: URL, apiKey: String, timeoutSeconds: Double = 10) {
        self.baseURL = baseURL
        self.apiKey = apiKey
        let config = URLSessionConfiguration.ephemeral
        config.timeoutIntervalForRequest = timeoutSeconds
        self.session = URLSession(configuration: config)
    }

    public func post(path: String, body: Data) async throws(IngestError) {
        var request = URLRequest(url: baseURL.appendingPathComponent(path))
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue(apiKey, forHTTPHeaderField: "X-API-Key")
        request.httpBody = body
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await session.data(for: request)
        } catch {
            throw IngestError(path: path, status: nil, message: error.localizedDescription)
        }
        guard let http = response as? HTTPURLResponse else {
            throw IngestError(path: path, status: nil, message: "not an HTTP response")
        }
        guard (200..<300).contains(http.statusCode) else {
            let text = String(decoding: data.prefix(300), as: UTF8.self)
            throw IngestError(path: path, status: http.statusCode, message: text)
        }
    }
}
