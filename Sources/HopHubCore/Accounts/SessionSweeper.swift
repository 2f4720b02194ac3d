import Logging
import ServiceLifecycle

/// Deletes expired sessions (idle or absolute) every few minutes, so the table holds only live ones.
public struct SessionSweeper: Service {
    let accounts: AccountService
    let interval: Duration
    let logger: Logger

    public init(accounts: AccountService, interval: Duration = .seconds(300), logger: Logger) {
        self.accounts = accounts
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        await repeatUntilShutdown(every: interval, startNow: false) { await sweep() }
    }

    /// One pass: deletes sessions past their absolute end or idle too long.
    func sweep() async {
        let now = accounts.clock.now()
        do {
            let purged = try await accounts.store.purgeSessions(
                now: now, idleBefore: now - Int64(accounts.settings.idleTimeoutSeconds) * 1000)
            if purged > 0 { logger.debug("expired sessions purged", metadata: ["count": "\(purged)"]) }
        } catch {
            logger.error("purging expired sessions failed", metadata: ["error": "\(error)"])
        }
    }
}
