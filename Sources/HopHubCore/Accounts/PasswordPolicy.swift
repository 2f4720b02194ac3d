/// The password rule, stated in full in every refusal: at least 12 characters, at most 72 bytes
/// (bcrypt ignores the rest), not the email (or its name part), and not made of a single kind
/// of character (only letters, only digits…), and no control characters (NUL would end the
/// password for bcrypt; tabs, newlines and the like are typing accidents).
public enum PasswordPolicy {
    public static let minimumLength = 12
    public static let maximumBytes = 72
    public static let rule =
        "passwords need at least 12 characters (at most 72 bytes), must not be the email or its name part, and must mix at least two of: lower-case letters, upper-case letters, digits, symbols or spaces, and must not contain control characters"

    /// nil when `password` is acceptable for `email`, else why not (with the rule).
    public static func problem(_ password: String, email: String) -> String? {
        if password.count < minimumLength { return "password is too short (\(password.count) characters); \(rule)" }
        if let bad = password.unicodeScalars.first(where: { $0.properties.generalCategory == .control }) {
            return "password contains a control character (U+\(String(bad.value, radix: 16, uppercase: true))); \(rule)"
        }
        if password.utf8.count > maximumBytes { return "password is too long (\(password.utf8.count) bytes); \(rule)" }
        let lowered = password.lowercased()
        let localPart = email.lowercased().split(separator: "@").first.map(String.init) ?? ""
        if lowered == email.lowercased() || (!localPart.isEmpty && lowered == localPart) {
            return "password must not be the email address; \(rule)"
        }
        var classes = Set<Int>()
        for c in password {
            if c.isLowercase { classes.insert(0) } else if c.isUppercase { classes.insert(1) } else if c.isNumber {
                classes.insert(2)
            } else { classes.insert(3) }
        }
        if classes.count < 2 { return "password uses only one kind of character; \(rule)" }
        return nil
    }
}
