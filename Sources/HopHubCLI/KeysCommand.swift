import ArgumentParser
import Foundation
import HopHub
import HopHubCore
import HopHubSQLite

/// `hop-hub keys create|list|rotate|revoke`: API keys for edges and integrations. Every change is
/// recorded in the audit log with actor `cli`.
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "Manage API keys.", subcommands: [Create.self, List.self, Rotate.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a key. The key itself is printed once, alone on the last line of stdout.")

        @OptionGroup var data: DataOptions
        @Option(help: "Unique name, e.g. edge-sub001.") var name: String
        @Option(help: "Comma-separated substations the key may write/read, e.g. SUB001,SUB002.") var substations: String?
        @Flag(help: "Allow every substation, present and future.") var allSubstations = false
        @Option(help: "Comma-separated scopes: ingest, read, admin (default ingest).") var scope = "ingest"

        func run() async throws {
            let substationScope: SubstationScope
            switch (substations, allSubstations) {
            case (nil, true): substationScope = .all
            case (let list?, false):
                substationScope = SubstationScope(list: list)
                guard case .only(let set) = substationScope, !set.isEmpty, !list.contains("*") else {
                    throw ValidationError("--substations needs at least one substation id (or use --all-substations)")
                }
            case (nil, false): throw ValidationError("say which substations: --substations SUB001,SUB002 or --all-substations")
            case (_?, true): throw ValidationError("--substations and --all-substations exclude each other")
            }
            let scopes = try Set(scope.split(separator: ",").map { part in
                guard let s = APIKeyScope(rawValue: String(part)) else {
                    throw ValidationError(
                        "--scope: '\(part)' is not one of \(APIKeyScope.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                return s
            })
            let store = try await data.openStore()
            let admin = APIKeyAdmin(store: store)
            let key = try await admin.create(name: name, scopes: scopes, substations: substationScope)
            print("created key '\(name)' (scope \(scopes.map(\.rawValue).sorted().joined(separator: ",")), substations \(substationScope.listText)); store it now, it is not shown again:")
            print(key)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List keys (never the secrets).")
        @OptionGroup var data: DataOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let store = try await data.openStore()
            let keys = try await store.keys()
            if json {
                let rows = keys.map(APIKeySummary.init)
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                print(String(decoding: try encoder.encode(rows), as: UTF8.self))
                return
            }
            print("NAME".padding(24) + "SCOPE".padding(14) + "SUBSTATIONS".padding(28) + "CREATED".padding(26) + "STATUS")
            for key in keys {
                let summary = APIKeySummary(key)
                print(
                    summary.name.padding(24) + summary.scope.padding(14) + summary.substations.padding(28)
                        + summary.createdAt.padding(26) + (summary.revokedAt.map { "revoked \($0)" } ?? "active"))
            }
        }
    }

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Give a key a new secret, printed once alone on the last line of stdout; the old one stops working at once.",
            discussion: "Name, scopes and substations are kept, so an edge bound to this key name keeps its edge_id.")
        @OptionGroup var data: DataOptions
        @Argument(help: "The key's name.") var name: String

        func run() async throws {
            let store = try await data.openStore()
            let rotated: (key: String, record: APIKeyRecord)
            do {
                rotated = try await APIKeyAdmin(store: store).rotate(name: name)
            } catch let failure as APIKeyAdmin.Failure {
                throw ValidationError(failure.description)
            }
            print("rotated key '\(name)' (scope \(rotated.record.scopeText), substations \(rotated.record.substations.listText)); the old secret no longer works; store the new one now, it is not shown again:")
            print(rotated.key)
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a key by name; it stops working at once.")
        @OptionGroup var data: DataOptions
        @Argument(help: "The key's name.") var name: String

        func run() async throws {
            let store = try await data.openStore()
            guard try await APIKeyAdmin(store: store).revoke(name: name) else {
                throw ValidationError("no active key named '\(name)'")
            }
            print("revoked key '\(name)'")
        }
    }
}

extension String {
    func padding(_ width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }
}
