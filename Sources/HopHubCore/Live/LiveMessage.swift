import Foundation
import HopProtocol

/// The kinds of Server-Sent Event `GET /api/stream` sends (the `event:` line). docs/live.md.
public enum LiveEventKind: String, Sendable, CaseIterable {
    /// A `LatestReading` (as `/api/query/telemetry/latest` items), coalesced per substation+feeder.
    case reading
    /// An `EventRecord` (as `/api/query/events` items).
    case event
    /// An `OutageRecord` (as `/api/query/outages/active` items, resolved ones included).
    case outage
    /// An `AnomalyScore` (as `/api/query/ml/latest` items).
    case score
    /// An `AlertLogEntry` (as `/api/query/alerts` items).
    case alert
    /// An `EdgeRecord` (as `/api/query/edges` items).
    case edge
    /// An `Alarm` (as `/api/alarms` items) after any change of it.
    case alarm
    /// Messages were lost (slow client, reconnect beyond the replay window, feed overflow):
    /// the client must refetch through the query endpoints.
    case resync
}

/// Who may see a message. Edge records are narrowed per caller, like `/api/query/edges`.
public enum LiveVisibility: Sendable {
    /// Visible when the caller's scope allows the substation (nil: `.all` callers only).
    case substation(SubstationID?)
    /// Visible when the caller may see any of the edge's substations; its lists are narrowed.
    case edge(EdgeRecord)
    /// Visible to every caller (resync notices).
    case everyone
}

/// One message of the live feed, encoded once and shared by every subscriber it is visible to.
public struct LiveMessage: Sendable {
    /// Position in this hub process's feed (1, 2, ...); with the feed's epoch it forms the SSE `id:`.
    public var sequence: Int64
    public var kind: LiveEventKind
    public var visibility: LiveVisibility
    /// The `data:` JSON, for callers with the `.all` scope (edge records are re-encoded for others).
    public var json: String

    public init(sequence: Int64, kind: LiveEventKind, visibility: LiveVisibility, json: String) {
        self.sequence = sequence
        self.kind = kind
        self.visibility = visibility
        self.json = json
    }

    /// Whether a caller limited to `scope` may receive this message.
    public func isVisible(to scope: SubstationScope) -> Bool {
        switch visibility {
        case .everyone: return true
        case .substation(let id): return scope.allows(id)
        case .edge(let record): return scope == .all || record.substations.contains { scope.allows($0) }
        }
    }

    /// The `data:` JSON as `scope` may see it (nil when not visible).
    public func json(for scope: SubstationScope) -> String? {
        guard isVisible(to: scope) else { return nil }
        guard case .edge(let record) = visibility, scope != .all else { return json }
        var narrowed = record
        narrowed.substations = record.substations.filter { scope.allows($0) }
        narrowed.health?.devices.removeAll { !scope.allows($0.substationID) }
        return LiveJSON.encode(narrowed)
    }
}

/// The feed's JSON encoder: the same `Codable` shapes the query endpoints answer with. Line and
/// paragraph separators (U+2028, U+2029) and NEL (U+0085), which JSON allows raw inside strings but
/// some line readers split on, are written as `\u` escapes: one event is always one `data:` line.
enum LiveJSON {
    static func encode(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value) else { return "{}" }
        let text = String(decoding: data, as: UTF8.self)
        guard text.unicodeScalars.contains(where: { $0 == "\u{2028}" || $0 == "\u{2029}" || $0 == "\u{85}" }) else { return text }
        var escaped = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\u{2028}": escaped.append(contentsOf: "\\u2028".unicodeScalars)
            case "\u{2029}": escaped.append(contentsOf: "\\u2029".unicodeScalars)
            case "\u{85}": escaped.append(contentsOf: "\\u0085".unicodeScalars)
            default: escaped.append(scalar)
            }
        }
        return String(escaped)
    }
}
