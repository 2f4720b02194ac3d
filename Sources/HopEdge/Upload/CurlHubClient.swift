import CCurl
import Dispatch
import Foundation
import Synchronization

/// `HubClient` over libcurl: verifies TLS against the system CAs or `ca_file`, honours
/// `HTTPS_PROXY`/`NO_PROXY` from the environment, reuses one connection. Requests run on a private
/// serial queue; a cancelled task aborts its transfer.
public final class CurlHubClient: HubClient, @unchecked Sendable {
    // @unchecked: `handle` is only touched on `queue`; `abort` is atomic.
    private let hub: HubConfig
    private let queue = DispatchQueue(label: "hop-edge.curl")
    private var handle: UnsafeMutableRawPointer?
    private let abort = AbortFlag()

    private static let globalInit: Bool = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK

    public init(hub: HubConfig) {
        _ = Self.globalInit
        self.hub = hub
    }

    deinit {
        if let handle { curl_easy_cleanup(handle) }
    }

    public func postBatch(_ body: [UInt8], gzip: Bool) async throws(HubTransportError) -> HubResponse {
        try await run { $0.perform(url: self.hub.batchURL, post: body, gzip: gzip, timeout: self.hub.requestTimeout) }
    }

    /// `GET <url>/api/health` without the key, within min(request timeout, 5 s).
    public func probe() async throws(HubTransportError) -> Int {
        try await run { $0.perform(url: self.hub.healthURL, post: nil, gzip: false, timeout: min(self.hub.requestTimeout, .seconds(5))) }
            .status
    }

    /// Runs one transfer on the queue; a cancelled task aborts it.
    private func run(
        _ transfer: @escaping @Sendable (CurlHubClient) -> Result<HubResponse, HubTransportError>
    ) async throws(HubTransportError) -> HubResponse {
        abort.value.store(false, ordering: .relaxed)
        let result: Result<HubResponse, HubTransportError> = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                queue.async { continuation.resume(returning: transfer(self)) }
            }
        } onCancel: {
            abort.value.store(true, ordering: .relaxed)
        }
        return try result.get()
    }

    /// POSTs `body` to `url` (a GET when `body` is nil). Called on `queue` only.
    private func perform(url: String, post body: [UInt8]?, gzip: Bool, timeout: Duration) -> Result<HubResponse, HubTransportError> {
        if handle == nil { handle = curl_easy_init() }
        guard let curl = handle else { return .failure(HubTransportError(url: url, message: "curl_easy_init failed")) }
        curl_easy_reset(curl)
        let sink = ResponseSink(abort: abort)
        let sinkPointer = Unmanaged.passRetained(sink).toOpaque()
        defer { Unmanaged<ResponseSink>.fromOpaque(sinkPointer).release() }
        var headers: UnsafeMutablePointer<curl_slist>?
        let sent = body == nil
            ? ["Accept: application/json"]
            : ["Content-Type: application/json", "Accept: application/json", "Expect:", "X-API-Key: \(hub.apiKey)"]
                + (gzip ? ["Content-Encoding: gzip"] : [])
        for header in sent {
            headers = curl_slist_append(headers, header)
        }
        defer { curl_slist_free_all(headers) }
        hop_curl_setopt_string(curl, CURLOPT_URL, url)
        hop_curl_setopt_long(curl, CURLOPT_NOSIGNAL, 1)
        hop_curl_setopt_long(curl, body == nil ? CURLOPT_HTTPGET : CURLOPT_POST, 1)
        hop_curl_setopt_slist(curl, CURLOPT_HTTPHEADER, headers)
        hop_curl_setopt_long(curl, CURLOPT_CONNECTTIMEOUT_MS, Int(hub.connectTimeout.milliseconds))
        hop_curl_setopt_long(curl, CURLOPT_TIMEOUT_MS, Int(timeout.milliseconds))
        hop_curl_setopt_string(curl, CURLOPT_USERAGENT, "hop-edge/\(HopEdgeVersion.current)")
        if let ca = hub.caFile { hop_curl_setopt_string(curl, CURLOPT_CAINFO, ca) }
        hop_curl_setopt_write_callback(curl, CURLOPT_WRITEFUNCTION, ResponseSink.onBody)
        hop_curl_setopt_pointer(curl, CURLOPT_WRITEDATA, sinkPointer)
        hop_curl_setopt_write_callback(curl, CURLOPT_HEADERFUNCTION, ResponseSink.onHeader)
        hop_curl_setopt_pointer(curl, CURLOPT_HEADERDATA, sinkPointer)
        let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        defer { errorBuffer.deallocate() }
        hop_curl_setopt_pointer(curl, CURLOPT_ERRORBUFFER, errorBuffer)
        hop_curl_setopt_long(curl, CURLOPT_NOPROGRESS, 0)
        hop_curl_setopt_xferinfo_callback(curl, ResponseSink.onProgress)
        hop_curl_setopt_pointer(curl, CURLOPT_XFERINFODATA, sinkPointer)
        let code: CURLcode
        if let body {
            code = body.withUnsafeBytes { raw in
                hop_curl_setopt_off(curl, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(raw.count))
                hop_curl_setopt_pointer(curl, CURLOPT_POSTFIELDS, UnsafeMutableRawPointer(mutating: raw.baseAddress))
                return curl_easy_perform(curl)
            }
        } else {
            code = curl_easy_perform(curl)
        }
        guard code == CURLE_OK else {
            let detail = String(cString: errorBuffer)
            let message = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
            // Drop the handle's connection state after a failure; the next request starts clean.
            curl_easy_cleanup(curl)
            handle = nil
            return .failure(HubTransportError(url: url, message: "\(message) (curl code \(code.rawValue))"))
        }
        var status = 0
        hop_curl_getinfo_long(curl, CURLINFO_RESPONSE_CODE, &status)
        return .success(HubResponse(status: status, headers: sink.headers, body: sink.body))
    }
}

/// Collects a response; reached from libcurl's C callbacks through an `Unmanaged` pointer.
private final class ResponseSink {
    var body: [UInt8] = []
    var headers: [String: String] = [:]
    let abort: AbortFlag

    init(abort: AbortFlag) { self.abort = abort }

    static let onBody: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = {
        data, size, count, context in
        guard let data, let context else { return 0 }
        let sink = Unmanaged<ResponseSink>.fromOpaque(context).takeUnretainedValue()
        let n = size * count
        data.withMemoryRebound(to: UInt8.self, capacity: n) { sink.body.append(contentsOf: UnsafeBufferPointer(start: $0, count: n)) }
        return n
    }

    static let onHeader: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = {
        data, size, count, context in
        guard let data, let context else { return 0 }
        let sink = Unmanaged<ResponseSink>.fromOpaque(context).takeUnretainedValue()
        let n = size * count
        let line = data.withMemoryRebound(to: UInt8.self, capacity: n) {
            String(decoding: UnsafeBufferPointer(start: $0, count: n), as: UTF8.self)
        }
        if let colon = line.firstIndex(of: ":") {
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)
            sink.headers[name] = value
        } else if line.hasPrefix("HTTP/") {
            sink.headers = [:]  // a new response (e.g. after 100 Continue or a proxy CONNECT)
        }
        return n
    }

    static let onProgress: @convention(c) (UnsafeMutableRawPointer?, curl_off_t, curl_off_t, curl_off_t, curl_off_t) -> Int32 = {
        context, _, _, _, _ in
        guard let context else { return 0 }
        let sink = Unmanaged<ResponseSink>.fromOpaque(context).takeUnretainedValue()
        return sink.abort.value.load(ordering: .relaxed) ? 1 : 0
    }
}

/// A flag a cancelled task sets and libcurl's progress callback reads.
final class AbortFlag: Sendable {
    let value = Atomic<Bool>(false)
}

extension HubConfig {
    /// `<url>/api/health`, which the uploader probes while the hub is unreachable.
    var healthURL: String {
        (url.hasSuffix("/") ? String(url.dropLast()) : url) + "/api/health"
    }
}
