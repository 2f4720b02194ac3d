import HopHubCore
import HopHubSQLite
import NIOCore

/// Encodes frames as Server-Sent Events (WHATWG HTML, "server-sent events"): `id:`, `event:` and
/// one `data:` line per line of JSON, a blank line ending each event; comments start with `:`.
enum ServerSentEvent {
    /// The first bytes of every stream: the reconnect delay and a comment naming the feed.
    static func preamble(retryMilliseconds: Int) -> ByteBuffer {
        ByteBuffer(string: "retry: \(retryMilliseconds)\n: hop live feed\n\n")
    }

    static func encode(_ frame: LiveFrame, id: (LiveMessage) -> String, scope: SubstationScope) -> ByteBuffer? {
        switch frame {
        case .heartbeat:
            return ByteBuffer(string: ": heartbeat\n\n")
        case .closed(let reason):
            // No `id:`: a reconnect resumes after the last message, not after this.
            return ByteBuffer(string: "event: closed\ndata: \(reason.json)\n\n")
        case .message(let message):
            guard let json = message.json(for: scope) else { return nil }
            var text = "id: \(id(message))\nevent: \(message.kind.rawValue)\n"
            // JSONEncoder output has no raw newlines, but split anyway so a payload can never end the event early.
            for line in json.split(separator: "\n", omittingEmptySubsequences: false) { text += "data: \(line)\n" }
            text += "\n"
            return ByteBuffer(string: text)
        }
    }
}
