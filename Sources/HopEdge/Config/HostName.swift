import Foundation

/// Syntax of the host a device or listener names: an IPv4 or IPv6 literal (with an optional zone,
/// `fe80::1%eth0`), or a host name (labels of 1…63 letters, digits, hyphens and underscores — the
/// latter are common in container and Windows names — not starting or ending with a hyphen, ≤ 253 in all).
enum HostName {
    static func isValid(_ host: String) -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        if inet_pton(AF_INET, host, &v4) == 1 { return true }
        let address = host.split(separator: "%", maxSplits: 1, omittingEmptySubsequences: false)
        if let first = address.first, inet_pton(AF_INET6, String(first), &v6) == 1,
            address.count == 1 || (!address[1].isEmpty && address[1].allSatisfy { $0.isASCII && !$0.isWhitespace })
        {
            return true
        }
        let name = host.hasSuffix(".") ? String(host.dropLast()) : host
        guard !name.isEmpty, name.utf8.count <= 253 else { return false }
        let labels = name.split(separator: ".", omittingEmptySubsequences: false)
        // An all-numeric dotted name that inet_pton refused (999.1.1.1) is a bad address, not a name.
        if labels.allSatisfy({ $0.allSatisfy(\.isNumber) }) { return false }
        return labels.allSatisfy { label in
            (1...63).contains(label.utf8.count) && label.first != "-" && label.last != "-"
                && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
        }
    }
}
