import Foundation
import Testing

@testable import HopEdge

/// Failures at `run` time name the setting behind them.
@Suite struct RuntimeSettingErrorTests {
    @Test func aJournalPathThatIsADirectorySaysSo() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        do {
            _ = try SQLiteJournal(config: JournalConfig(path: dir.path))
            Issue.record("a directory opened as a journal")
        } catch {
            #expect(error.description == "journal \(dir.path): open: journal.path: \(dir.path) is a directory")
        }
    }

    @Test func aBusyMetricsPortNamesMetricsListen() throws {
        let first = try ListeningSocket(host: "127.0.0.1", port: 0)
        defer { first.close() }
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(first.fd, $0, &length) }
        }
        let port = Int(UInt16(bigEndian: address.sin_port))
        do {
            let second = try ListeningSocket(host: "127.0.0.1", port: port)
            second.close()
            Issue.record("two listeners on one port")
        } catch {
            #expect("\(error)".hasPrefix("metrics.listen: cannot listen on 127.0.0.1:\(port):"))
        }
    }
}
