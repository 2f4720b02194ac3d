import Foundation
import HopProtocol

/// Which substations a caller (API key or user) may see or write.
public enum SubstationScope: Sendable, Hashable {
    case all
    case only(Set<SubstationID>)

    /// Whether a record of `substation` is visible. Records with no substation (a seed client
    /// that sent none and could not be attributed) are visible to `.all` only.
    public func allows(_ substation: SubstationID?) -> Bool {
        switch self {
        case .all: return true
        case .only(let set):
            guard let substation else { return false }
            return set.contains(substation)
        }
    }

    /// The explicit list, or nil for all.
    public var substations: Set<SubstationID>? {
        if case .only(let set) = self { return set }
        return nil
    }

    /// The single substation when the scope names exactly one.
    public var single: SubstationID? {
        if case .only(let set) = self, set.count == 1 { return set.first }
        return nil
    }

    /// Parses `SUB001,SUB002` or `*` (all).
    public init(list: String) {
        let trimmed = list.trimmingCharacters(in: .whitespaces)
        if trimmed == "*" {
            self = .all
        } else {
            self = .only(Set(trimmed.split(separator: ",").map { SubstationID(String($0).trimmingCharacters(in: .whitespaces)) }))
        }
    }

    /// `*` or the sorted comma-separated list.
    public var listText: String {
        switch self {
        case .all: return "*"
        case .only(let set): return set.map(\.rawValue).sorted().joined(separator: ",")
        }
    }
}
