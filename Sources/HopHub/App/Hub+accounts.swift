import HopHubCore
import HopHubSQLite
import Hummingbird
import Logging
import ServiceLifecycle

/// Wiring of accounts: the session routes, the session sweeper and the alert recipients.
extension Hub {
    /// The account service over the hub's store. When a user's sessions end or their rights change,
    /// their open `/api/stream` connections are closed: a stream keeps the rights it started with,
    /// so the browser reconnects with the new ones (or gets a 401).
    static func makeAccounts(
        _ configuration: HubConfiguration, store: any HubBackend, live: LiveFeed, logger: Logger
    ) -> AccountService {
        var accounts = AccountService(store: store, settings: configuration.accounts, logger: logger)
        accounts.onAccessChanged = { email in await live.endStreams(forUser: email) }
        return accounts
    }

    /// Alert recipients: the configured addresses plus active, opted-in users granted the substation.
    static func makeAlertRecipients(_ configuration: HubConfiguration, store: any HubBackend) -> any AlertRecipients {
        SubscribedRecipients(configured: configuration.alerting.recipients, source: UserSubscriberSource(store: store))
    }

    /// `POST /login`, `POST /logout`, `GET /api/session`.
    func addAccountRoutes(to router: Router<HubRequestContext>, api: RouterGroup<HubRequestContext>) {
        SessionController(accounts: accounts).addRoutes(to: router, api: api)
    }

    /// The sweeper of expired sessions and the watcher of user changes made by the CLI (whose
    /// changes end only the streams opened before them: `LiveFeed.endStreams(forUser:changedAt:)`).
    func accountServices(logger: Logger) -> [any Service] {
        let live = self.live
        return [
            SessionSweeper(accounts: accounts, logger: logger),
            AccessChangeWatcher(accounts: accounts, logger: logger) { email, changedAt in
                await live.endStreams(forUser: email, changedAt: changedAt)
            },
        ]
    }
}
