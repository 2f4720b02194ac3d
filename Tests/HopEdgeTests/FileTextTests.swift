import Foundation
import Testing

@testable import HopEdge

/// Config, profile, key and CA files fail with a precise reason, not Foundation's generic text.
@Suite struct FileTextTests {
    @Test func aMissingFile() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(throws: FileText.Problem.missing) { try FileText.text(at: dir.path + "/nope.yaml") }
    }

    @Test func aDirectory() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(throws: FileText.Problem.directory) { try FileText.text(at: dir.path) }
    }

    @Test func aFIFOIsRefusedWithoutBlocking() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let fifo = dir.path + "/config.yaml"
        #expect(mkfifo(fifo, 0o644) == 0)
        #expect(throws: FileText.Problem.notRegular) { try FileText.text(at: fifo) }
    }

    @Test func invalidUTF8NamesOffsetAndLine() throws {
        #expect(throws: FileText.Problem.notUTF8(offset: 8, line: 2)) {
            try FileText.decode(Array("a: 1\nb: ".utf8) + [0xFF, 0x0A])
        }
        #expect(try FileText.decode(Array("a: é\n".utf8)) == "a: é\n")
    }

    @Test func theConfigLoaderUsesTheseReasons() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        do {
            _ = try ConfigLoader().load(path: dir.path)
            Issue.record("a directory loaded")
        } catch {
            #expect(error.description == "\(dir.path): the file is a directory")
        }
    }
}
