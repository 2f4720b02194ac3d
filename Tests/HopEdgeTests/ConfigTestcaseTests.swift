import HopProtocol
import Foundation
import Testing

@testable import HopEdge

/// Runs every `testcases/<name>/` folder: `config.yaml` must produce exactly `expected.txt` (the
/// `check` output) or fail with exactly `error.txt`. Paths are written `$DIR` (the case folder) and
/// `$ROOT` (the repository).
@Suite struct ConfigTestcaseTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("testcases")
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    static var cases: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
            .filter { FileManager.default.fileExists(atPath: folder.appendingPathComponent("\($0)/config.yaml").path) }
            .sorted()
    }

    @Test func thereAreCasesOfBothKinds() {
        #expect(Self.cases.filter { $0.hasPrefix("ok-") }.count >= 4)
        #expect(Self.cases.filter { $0.hasPrefix("err-") }.count >= 10)
    }

    @Test(arguments: cases)
    func testcase(_ name: String) throws {
        let dir = Self.folder.appendingPathComponent(name)
        let config = dir.appendingPathComponent("config.yaml").path
        func normalize(_ text: String) -> String {
            text.replacingOccurrences(of: dir.path, with: "$DIR").replacingOccurrences(of: Self.root, with: "$ROOT")
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let errorFile = dir.appendingPathComponent("error.txt").path
        if FileManager.default.fileExists(atPath: errorFile) {
            let expected = try String(contentsOfFile: errorFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            do {
                let loaded = try ConfigLoader().load(path: config)
                Issue.record("\(name): expected an error, got a config for \(loaded.edgeID)")
            } catch {
                #expect(normalize(error.description) == expected)
            }
        } else {
            let expected = try String(contentsOfFile: dir.appendingPathComponent("expected.txt").path, encoding: .utf8)
            let loaded = try ConfigLoader().load(path: config)
            #expect(normalize(try CheckReport.text(for: loaded)) == expected.trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }

    @Test func theSampleConfigIsValidAndUsesEveryDocumentedFeature() throws {
        // The sample names an API key file next to it; give it one in a scratch copy.
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let sample = try String(contentsOfFile: Self.root + "/edge-configs/sample.yaml", encoding: .utf8)
            .replacingOccurrences(of: "profiles_dir: profiles", with: "profiles_dir: \(Self.root)/edge-configs/profiles")
        try sample.write(toFile: dir.path + "/sample.yaml", atomically: true, encoding: .utf8)
        try "k".write(toFile: dir.path + "/api-key", atomically: true, encoding: .utf8)
        let config = try ConfigLoader().load(path: dir.path + "/sample.yaml")
        #expect(config.edgeID == "edge-sub001")
        #expect(config.devices.first?.scanClasses.first?.interval == .milliseconds(250))
        #expect(config.devices.first?.feeders.count == 3)
    }
}
