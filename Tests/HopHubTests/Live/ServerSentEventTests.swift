import Foundation
import HopProtocol
import NIOCore
import Testing

@testable import HopHub
@testable import HopHubCore
@testable import HopHubSQLite

/// The wire format of one frame: `id:`, `event:`, one `data:` line, a blank line; heartbeats are comments.
@Suite struct ServerSentEventTests {
    @Test func aMessageIsOneEventWithOneDataLine() throws {
        let reading = LatestReading(
            time: SourceTime(epochMilliseconds: 1_700_000_000_000), substationID: "SUB001", feederID: "FDR001", deviceID: nil,
            siteName: "North\u{2028}Yard\u{2029}\u{85}", latitude: nil, longitude: nil, values: MetricValues(frequencyHz: 60.01))
        let json = LiveJSON.encode(reading)
        #expect(!json.unicodeScalars.contains { $0 == "\u{2028}" || $0 == "\u{2029}" || $0 == "\u{85}" }, "\(json)")
        #expect(try JSONDecoder().decode(LatestReading.self, from: Data(json.utf8)) == reading)

        let message = LiveMessage(sequence: 7, kind: .reading, visibility: .substation("SUB001"), json: json)
        let bytes = try #require(ServerSentEvent.encode(.message(message), id: { "abc-\($0.sequence)" }, scope: .all))
        let text = String(buffer: bytes)
        #expect(text == "id: abc-7\nevent: reading\ndata: \(json)\n\n")
        #expect(ServerSentEvent.encode(.message(message), id: { _ in "x" }, scope: .only(["SUB002"])) == nil)
        #expect(String(buffer: try #require(ServerSentEvent.encode(.heartbeat, id: { _ in "x" }, scope: .all))) == ": heartbeat\n\n")
        #expect(String(buffer: ServerSentEvent.preamble(retryMilliseconds: 2000)).hasPrefix("retry: 2000\n"))
    }
}
