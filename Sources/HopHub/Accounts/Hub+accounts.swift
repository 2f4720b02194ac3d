import Hummingbird
import Logging
import ServiceLifecycle

/// Wiring of accounts (issue 6): the session routes, the session sweeper and the alert recipients.
extension Hub {
    /// The account service over the hub's store, with the hook that ends a user's live streams.
    static func makeAccounts(_ configuration: HubConfiguration, store: SQLiteStore, logger: Logger) -> AccountService {
        var accounts = AccountService(store: store, settings: configuration.accounts, logger: logger)
        accounts.onAccessChanged = { email in
            // HOOK(live): close this user's open /api/stream connections once the live feed exists
            // (`hub.live.endStreams(forUser:)`); until then streams end at their next heartbeat check.
            logger.debug("user access changed", metadata: ["user": "\(email)"])
        }
        return accounts
    }

    /// Alert recipients: the configured addresses plus active, opted-in users granted the substation.
    static func makeAlertRecipients(_ configuration: HubConfiguration, store: SQLiteStore) -> any AlertRecipients {
        SubscribedRecipients(configured: configuration.alerting.recipients, source: UserSubscriberSource(store: store))
    }

    /// `POST /login`, `POST /logout`, `GET /api/session`.
    func addAccountRoutes(to router: Router<HubRequestContext>, api: RouterGroup<HubRequestContext>) {
        SessionController(accounts: accounts).addRoutes(to: router, api: api)
    }

    /// The background sweeper of expired sessions.
    func accountServices(logger: Logger) -> [any Service] {
        [SessionSweeper(accounts: accounts, logger: logger)]
    }
}
