import Foundation

/// Syntax of the host a device or listener names: an IPv4 or IPv6 literal, or a DNS name
/// (labels of 1…63 letters, digits and hyphens, not starting or ending with a hyphen, ≤ 253 in all).
enum HostName {
    static func isValid(_ host: String) -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        if inet_pton(AF_INET, host, &v4) == 1 || inet_pton(AF_INET6, host, &v6) == 1 { return true }
        let name = host.hasSuffix(".") ? String(host.dropLast()) : host
        guard !name.isEmpty, name.utf8.count <= 253 else { return false }
        let labels = name.split(separator: ".", omittingEmptySubsequences: false)
        // An all-numeric dotted name that inet_pton refused (999.1.1.1) is a bad address, not a name.
        if labels.allSatisfy({ $0.allSatisfy(\.isNumber) }) { return false }
        return labels.allSatisfy { label in
            (1...63).contains(label.utf8.count) && label.first != "-" && label.last != "-"
                && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        }
    }
}
