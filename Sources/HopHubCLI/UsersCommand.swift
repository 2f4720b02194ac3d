import ArgumentParser
import Foundation
import HopHub
import HopHubCore
import HopHubSQLite
import HopProtocol
import Logging

/// `hop-hub users create|list|deactivate|grant|unlock`: portal accounts. Every change is audited
/// with actor `cli`. docs/accounts.md.
struct UsersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users", abstract: "Manage portal users.",
        subcommands: [Create.self, List.self, Deactivate.self, Grant.self, Unlock.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a user. The password is read from stdin (one line), never from a flag.")

        @OptionGroup var data: DataOptions
        @Option(help: "Work email; the login (unique, case-insensitive).") var email: String
        @Option(help: "Full name.") var name: String
        @Option(help: "Organisation name.") var org: String = ""
        @Option(help: "admin, operator or executive.") var role: String
        @Option(help: "Comma-separated substations the user may see, e.g. SUB001,SUB002.") var substations: String?
        @Flag(help: "Grant every substation, present and future (the default for admins).") var allSubstations = false
        @Flag(help: "Send this user alert mail for their substations.") var alertOptIn = false
        @Flag(help: "Read the password from stdin (required).") var passwordStdin = false

        func run() async throws {
            guard passwordStdin else { throw ValidationError("pass --password-stdin and the password on stdin") }
            guard let role = UserRole(rawValue: role) else {
                throw ValidationError("--role: '\(role)' is not one of \(UserRole.listText)")
            }
            let grants = try UsersCommand.grants(substations, all: allSubstations, required: role != .admin)
            guard let password = readLine(strippingNewline: true), !password.isEmpty else {
                throw ValidationError("no password on stdin")
            }
            let accounts = try await UsersCommand.accounts(data)
            let user = try await UsersCommand.run {
                try await accounts.create(
                    NewUser(
                        email: email, name: name, orgName: org, role: role, substations: grants, password: password,
                        alertOptIn: alertOptIn), by: .cli)
            }
            print("created \(user.role.rawValue) '\(user.email)' (substations \(SubstationGrants(user.substations).text))")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List users (never password hashes).")
        @OptionGroup var data: DataOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let accounts = try await UsersCommand.accounts(data)
            let rows = try await accounts.users().map { UserSummary($0) }
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                print(String(decoding: try encoder.encode(rows), as: UTF8.self))
                return
            }
            print("EMAIL".padding(32) + "ROLE".padding(11) + "SUBSTATIONS".padding(24) + "ALERTS".padding(8) + "STATUS")
            for u in rows {
                let status = !u.active ? "deactivated" : u.lockedUntil.map { "locked until \($0)" } ?? "active"
                print(
                    u.email.padding(32) + u.role.rawValue.padding(11) + u.substations.text.padding(24)
                        + (u.alertOptIn ? "yes" : "no").padding(8) + status)
            }
        }
    }

    struct Deactivate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Deactivate a user: they cannot log in and their open sessions end at once.")
        @OptionGroup var data: DataOptions
        @Argument(help: "The user's email.") var email: String

        func run() async throws {
            let accounts = try await UsersCommand.accounts(data)
            let user = try await UsersCommand.run { try await accounts.deactivate(email: email, by: .cli) }
            print("deactivated '\(user.email)'; their sessions have ended")
        }
    }

    struct Grant: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set the substations a user may see (replacing the previous grants).")
        @OptionGroup var data: DataOptions
        @Argument(help: "The user's email.") var email: String
        @Argument(help: "Substation ids, e.g. SUB001 SUB002 (or SUB001,SUB002).") var substations: [String] = []
        @Flag(help: "Grant every substation, present and future.") var allSubstations = false

        func run() async throws {
            let list = substations.isEmpty ? nil : substations.joined(separator: ",")
            guard let grants = try UsersCommand.grants(list, all: allSubstations, required: true) else { return }
            let accounts = try await UsersCommand.accounts(data)
            let user = try await UsersCommand.run { try await accounts.grant(email: email, substations: grants, by: .cli) }
            print("'\(user.email)' may now see substations \(SubstationGrants(user.substations).text)")
        }
    }

    struct Unlock: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Clear a user's login lockout (or, with --address, a source address's).")
        @OptionGroup var data: DataOptions
        @Argument(help: "The user's email.") var email: String?
        @Option(help: "Unlock this source address instead, e.g. 203.0.113.7.") var address: String?

        func run() async throws {
            let accounts = try await UsersCommand.accounts(data)
            switch (email, address) {
            case (let email?, nil):
                try await UsersCommand.run { try await accounts.unlock(email: email, by: .cli) }
                print("unlocked '\(email)'")
            case (nil, let address?):
                try await UsersCommand.run { try await accounts.unlockAddress(address, by: .cli) }
                print("unlocked source address \(address)")
            default:
                throw ValidationError("give either an EMAIL or --address ADDRESS")
            }
        }
    }

    /// The account service over the configured data directory (bcrypt cost etc. from the config).
    static func accounts(_ data: DataOptions) async throws -> AccountService {
        let configuration = try data.load()
        let store = try await Hub.openBackend(configuration, logger: Logger(label: "hop-hub.users"))
        return AccountService(store: store, settings: configuration.accounts, logger: Logger(label: "hop-hub.users"))
    }

    /// `--substations A,B` / `--all-substations` as a scope; nil when neither is given and not required.
    static func grants(_ list: String?, all: Bool, required: Bool) throws -> SubstationScope? {
        switch (list, all) {
        case (nil, true): return .all
        case (let list?, false):
            let scope = SubstationScope(list: list)
            guard case .only(let set) = scope, !set.isEmpty, !set.contains(where: { $0.rawValue.isEmpty }), !list.contains("*")
            else { throw ValidationError("substations need at least one substation id, e.g. SUB001,SUB002") }
            return scope
        case (nil, false):
            if required { throw ValidationError("say which substations: --substations SUB001,SUB002 or --all-substations") }
            return nil
        case (_?, true): throw ValidationError("substation ids and --all-substations exclude each other")
        }
    }

    /// Runs an account operation, turning its API error into a plain CLI error message.
    @discardableResult
    static func run<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as HubError {
            throw Failure(message: error.message)
        }
    }

    /// A refused account operation, printed as `Error: <message>` without the usage text.
    struct Failure: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}

extension SubstationGrants {
    /// `all` or `SUB001,SUB002`.
    var text: String {
        switch scope {
        case .all: "all"
        case .only(let set): set.map(\.rawValue).sorted().joined(separator: ",")
        }
    }
}
