import CCurl
import Dispatch
import Foundation

/// `Mailer` over libcurl's SMTP: plain, STARTTLS (required when `startTLS`) or SMTPS, optional
/// AUTH. Each delivery runs on a private serial queue with a fresh handle (alert mail is rare).
public final class CurlSMTPMailer: Mailer, Sendable {
    private let settings: SMTPSettings
    private let relay: String
    private let queue = DispatchQueue(label: "hop-hub.smtp")
    private static let globalInit: Bool = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK

    /// nil when `settings.url` is not set.
    public init?(settings: SMTPSettings) {
        guard let url = settings.url else { return nil }
        _ = Self.globalInit
        self.settings = settings
        relay = url
    }

    public func send(_ message: OutboxMessage) async throws(MailError) {
        let result: Result<Void, MailError> = await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: self.perform(message)) }
        }
        try result.get()
    }

    private func perform(_ message: OutboxMessage) -> Result<Void, MailError> {
        guard let curl = curl_easy_init() else { return .failure(MailError(relay: relay, message: "curl_easy_init failed")) }
        defer { curl_easy_cleanup(curl) }
        let payload = Payload(bytes: MIMEMessage.render(
            message, from: settings.from, date: Date(), messageID: "\(UUID().uuidString)@hop-hub"))
        let payloadPointer = Unmanaged.passRetained(payload).toOpaque()
        defer { Unmanaged<Payload>.fromOpaque(payloadPointer).release() }
        var rcpt: UnsafeMutablePointer<curl_slist>?
        for address in message.recipients { rcpt = curl_slist_append(rcpt, "<\(address)>") }
        defer { curl_slist_free_all(rcpt) }
        hop_curl_setopt_string(curl, CURLOPT_URL, relay)
        hop_curl_setopt_long(curl, CURLOPT_NOSIGNAL, 1)
        hop_curl_setopt_string(curl, CURLOPT_MAIL_FROM, "<\(settings.from)>")
        hop_curl_setopt_slist(curl, CURLOPT_MAIL_RCPT, rcpt)
        hop_curl_setopt_long(curl, CURLOPT_UPLOAD, 1)
        hop_curl_setopt_read_callback(curl, CURLOPT_READFUNCTION, Payload.onRead)
        hop_curl_setopt_pointer(curl, CURLOPT_READDATA, payloadPointer)
        hop_curl_setopt_long(curl, CURLOPT_CONNECTTIMEOUT_MS, settings.timeoutSeconds * 1000)
        hop_curl_setopt_long(curl, CURLOPT_TIMEOUT_MS, settings.timeoutSeconds * 1000)
        if settings.startTLS { hop_curl_setopt_long(curl, CURLOPT_USE_SSL, Int(CURLUSESSL_ALL.rawValue)) }
        if let ca = settings.caFile { hop_curl_setopt_string(curl, CURLOPT_CAINFO, ca) }
        if let user = settings.username {
            hop_curl_setopt_string(curl, CURLOPT_USERNAME, user)
            hop_curl_setopt_string(curl, CURLOPT_PASSWORD, settings.password ?? "")
        }
        let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        defer { errorBuffer.deallocate() }
        hop_curl_setopt_pointer(curl, CURLOPT_ERRORBUFFER, errorBuffer)
        let code = curl_easy_perform(curl)
        guard code == CURLE_OK else {
            let detail = String(cString: errorBuffer)
            let text = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
            return .failure(MailError(relay: relay, message: "\(text) (curl code \(code.rawValue))"))
        }
        return .success(())
    }
}

/// The message bytes libcurl reads through `onRead`, reached via an `Unmanaged` pointer.
private final class Payload {
    let bytes: [UInt8]
    var offset = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    static let onRead: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = {
        buffer, size, count, context in
        guard let buffer, let context else { return 0 }
        let payload = Unmanaged<Payload>.fromOpaque(context).takeUnretainedValue()
        let n = min(size * count, payload.bytes.count - payload.offset)
        guard n > 0 else { return 0 }
        payload.bytes.withUnsafeBufferPointer { source in
            guard let base = source.baseAddress else { return }
            UnsafeMutableRawPointer(buffer).copyMemory(from: base + payload.offset, byteCount: n)
        }
        payload.offset += n
        return n
    }
}
