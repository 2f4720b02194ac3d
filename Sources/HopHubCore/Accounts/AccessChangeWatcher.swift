import Logging
import ServiceLifecycle

/// Notices user changes made by another process (the `hop-hub users` CLI writes the database
/// directly) and reports each changed user with the change's `updated_at` to `onChange`, so their
/// open live streams end within `interval` — the hub's own changes already end them at once.
/// Requests need no watcher: each one reads the user's row. The change is reported with its time
/// because it is noticed late: a stream opened after it already has the new rights and stays open.
public struct AccessChangeWatcher: Service {
    let accounts: AccountService
    let interval: Duration
    let onChange: @Sendable (_ email: String, _ changedAt: Int64) async -> Void
    let logger: Logger

    /// `onChange` defaults to `accounts.onAccessChanged` (which ends every stream of the user).
    public init(
        accounts: AccountService, interval: Duration = .seconds(2), logger: Logger,
        onChange: (@Sendable (_ email: String, _ changedAt: Int64) async -> Void)? = nil
    ) {
        self.accounts = accounts
        self.interval = interval
        self.logger = logger
        self.onChange = onChange ?? { [accounts] email, _ in await accounts.onAccessChanged(email) }
    }

    public func run() async throws {
        let start = (try? await accounts.store.usersUpdated(after: 0).last?.updatedAt) ?? 0
        await repeatUntilShutdown(every: interval, startNow: false, from: start) { mark in await check(after: mark) }
    }

    /// One look: reports the users changed after `mark` (ms), oldest change first; returns the new mark.
    func check(after mark: Int64) async -> Int64 {
        var mark = mark
        do {
            for change in try await accounts.store.usersUpdated(after: mark) {
                await onChange(change.email, change.updatedAt)
                mark = max(mark, change.updatedAt)
            }
        } catch {
            logger.error("checking for user changes failed", metadata: ["error": "\(error)"])
        }
        return mark
    }
}
