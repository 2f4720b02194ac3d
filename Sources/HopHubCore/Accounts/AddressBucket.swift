#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The unit a per-address login limit counts: the IPv4 address itself, or the /64 network of an
/// IPv6 address (one host usually controls a whole /64, so counting single IPv6 addresses would
/// give it 2^64 tries). IPv4-mapped IPv6 counts as the IPv4 address.
public enum AddressBucket {
    /// `192.0.2.1` → `192.0.2.1`; `2001:db8:1:2:aaaa::1` → `2001:db8:1:2::/64`; unparsable text as it is.
    public static func bucket(_ address: String) -> String {
        var text = address
        if text.hasPrefix("[") && text.hasSuffix("]") { text = String(text.dropFirst().dropLast()) }
        if let percent = text.firstIndex(of: "%") { text = String(text[..<percent]) }  // zone id
        guard text.contains(":") else { return address }
        var raw = in6_addr()
        guard inet_pton(AF_INET6, text, &raw) == 1 else { return address }
        let bytes = withUnsafeBytes(of: &raw) { Array($0) }
        if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xff && bytes[11] == 0xff {
            return "\(bytes[12]).\(bytes[13]).\(bytes[14]).\(bytes[15])"
        }
        let groups = stride(from: 0, to: 8, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }
        return groups.joined(separator: ":") + "::/64"
    }
}
