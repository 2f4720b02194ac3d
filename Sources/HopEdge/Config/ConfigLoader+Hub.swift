import Foundation

extension ConfigLoader {
    static let hubKeys = ["url", "api_key_file", "ca_file", "connect_timeout", "request_timeout"]

    func hubConfig(_ node: ConfigNode, base: String, warnings: inout [ConfigError]) throws(ConfigError) -> HubConfig {
        let f = try node.mapping(allowed: Self.hubKeys)
        let urlNode = try f.required("url")
        let url = try urlNode.string()
        if let warning = try Self.checkHubURL(url, node: urlNode) { warnings.append(warning) }
        let keyNode = try f.required("api_key_file")
        let key = try Self.apiKey(file: Self.resolve(try keyNode.string(), base: base), node: keyNode)
        var caFile: String?
        if let caNode = f.optional("ca_file") {
            let ca = Self.resolve(try caNode.string(), base: base)
            try Self.checkCAFile(ca, node: caNode)
            caFile = ca
        }
        var hub = HubConfig(url: url, apiKey: key, caFile: caFile)
        if let n = f.optional("connect_timeout") { hub.connectTimeout = try n.duration(in: .milliseconds(100) ... .seconds(300)) }
        if let n = f.optional("request_timeout") { hub.requestTimeout = try n.duration(in: .seconds(1) ... .seconds(600)) }
        return hub
    }

    /// Refuses a URL that is not http(s) with a host and a valid port; returns a warning when an
    /// API key would travel unencrypted to a host other than this machine.
    static func checkHubURL(_ url: String, node: ConfigNode) throws(ConfigError) -> ConfigError? {
        let shown = ConfigError.echo(url)
        guard url.hasPrefix("http://") || url.hasPrefix("https://"), let parsed = URLComponents(string: url),
            let host = parsed.host, !host.isEmpty
        else { throw node.error("'\(shown)' is not an http:// or https:// URL") }
        if let port = parsed.port, !(1...65535).contains(port) {
            throw node.error("port \(port) in '\(shown)' is out of range 1…65535")
        }
        guard url.hasPrefix("http://"), !isLoopback(host) else { return nil }
        return node.error("'\(shown)' is plain http to a remote host: the API key travels unencrypted; use https://")
    }

    static func isLoopback(_ host: String) -> Bool {
        let h = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        return h == "localhost" || h.hasSuffix(".localhost") || h == "::1" || h.hasPrefix("127.")
    }

    /// The key in `file`: one token of printable ASCII, optionally followed by one `\n` or `\r\n`.
    /// Anything else (a second line, inner spaces, control characters) would reach the
    /// `X-API-Key` header raw, so it is refused here.
    static func apiKey(file: String, node: ConfigNode) throws(ConfigError) -> String {
        var text: String
        do {
            text = try FileText.text(at: file)
        } catch {
            throw node.error("the API key file \(file) \(error)")
        }
        if text.hasSuffix("\r\n") {
            text.removeLast()  // "\r\n" is one Character
        } else if text.hasSuffix("\n") {
            text.removeLast()
        }
        guard !text.isEmpty else { throw node.error("the API key file \(file) is empty") }
        for (offset, scalar) in text.unicodeScalars.enumerated() where !(0x21...0x7E).contains(scalar.value) {
            let what =
                switch scalar.value {
                case 0x0A, 0x0D: "a line break (the file must hold the key on one line)"
                case 0x20, 0x09: "whitespace"
                case 0..<0x20, 0x7F: "a control character"
                default: "a non-ASCII character"
                }
            throw node.error(
                "the API key file \(file) must hold one token of printable ASCII; found \(what) at offset \(offset)")
        }
        return text
    }

    /// Refuses a CA file without at least one PEM `CERTIFICATE` block whose body is valid base64
    /// of a DER sequence (curl would otherwise fail every upload with code 77).
    static func checkCAFile(_ file: String, node: ConfigNode) throws(ConfigError) {
        let text: String
        do {
            text = try FileText.text(at: file)
        } catch {
            throw node.error("the CA file \(file) \(error)")
        }
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw node.error("the CA file \(file) is empty")
        }
        guard PEM.certificateCount(in: text) > 0 else {
            throw node.error(
                "the CA file \(file) holds no PEM certificate (-----BEGIN CERTIFICATE----- … -----END CERTIFICATE----- with base64 DER)")
        }
    }
}

/// Just enough PEM to tell a certificate bundle from anything else.
enum PEM {
    static let begin = "-----BEGIN CERTIFICATE-----"
    static let end = "-----END CERTIFICATE-----"

    /// Certificate blocks in `text` whose body decodes as base64 to a DER SEQUENCE.
    static func certificateCount(in text: String) -> Int {
        var count = 0
        var rest = Substring(text)
        while let b = rest.range(of: begin), let e = rest.range(of: end, range: b.upperBound..<rest.endIndex) {
            let body = rest[b.upperBound..<e.lowerBound].filter { !$0.isWhitespace }
            if let der = Data(base64Encoded: String(body)), der.count > 2, der.first == 0x30 { count += 1 }
            rest = rest[e.upperBound...]
        }
        return count
    }
}
