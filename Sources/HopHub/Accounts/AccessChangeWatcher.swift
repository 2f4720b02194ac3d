import Logging
import ServiceLifecycle

/// Notices user changes made by another process (the `hop-hub users` CLI writes the database
/// directly) and calls `AccountService.onAccessChanged` for each changed user, so their open live
/// streams end within `interval` — the hub's own changes already call it at once. Requests need
/// no watcher: each one reads the user's row.
public struct AccessChangeWatcher: Service {
    let accounts: AccountService
    let interval: Duration
    let logger: Logger

    public init(accounts: AccountService, interval: Duration = .seconds(2), logger: Logger) {
        self.accounts = accounts
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        let start = (try? await accounts.store.usersUpdated(after: 0).last?.updatedAt) ?? 0
        await repeatUntilShutdown(every: interval, startNow: false, from: start) { mark in
            var mark = mark
            do {
                for change in try await accounts.store.usersUpdated(after: mark) {
                    await accounts.onAccessChanged(change.email)
                    mark = max(mark, change.updatedAt)
                }
            } catch {
                logger.error("checking for user changes failed", metadata: ["error": "\(error)"])
            }
            return mark
        }
    }
}
