import HopHubCore
import HopHubSQLite
import Foundation
import Hummingbird
import HummingbirdCore
import Logging

/// The assembled hub: store, writer, HTTP routes and background services.
public struct Hub: Sendable {
    public let configuration: HubConfiguration
    /// The store backend (`store` in the configuration), used only through its protocols.
    public let store: any HubBackend
    public let metrics: HubMetrics
    public let writer: IngestWriter
    /// Decides alerts (nil when `alerts.enabled` is false); its outbox is delivered by `OutboxService`.
    public let alerts: AlertEngine?
    /// Decides stored trips, restores and anomalies from their pending rows, woken by the writer
    /// after each commit holding a trip or restore and called by the scorer (nil with `alerts`).
    let alertDecider: AlertPendingService?
    public let outboxSignal: OutboxSignal
    /// Stored alarms: raised from events, scores, silence and `AlarmSink` callers (docs/alarms.md).
    public let alarms: AlarmEngine
    /// Feeds committed events to `alarms` (nil when `alarms.enabled` is false).
    let alarmTrigger: EventTrigger?
    /// Committed data pushed to `GET /api/stream` clients (docs/live.md).
    public let live: LiveFeed
    /// Users, sessions, logins and their audit (docs/accounts.md).
    public let accounts: AccountService
    /// Judges committed frequency readings (nil when `frequency.alarms` is false; docs/frequency.md).
    let frequencyMonitor: FrequencyMonitor?
    /// Failover and the live relay between replicas (nil unless the store is PostgreSQL).
    let replicas: ReplicaParts?

    /// Opens (creating and migrating) the configured store backend, then builds the hub on it.
    public static func open(configuration: HubConfiguration, logger: Logger) async throws -> Hub {
        Hub(configuration: configuration, store: try await openBackend(configuration, logger: logger), logger: logger)
    }

    /// Opens (creating and migrating) the data directory's SQLite database: for tests and tools
    /// that want the embedded store. A configuration naming another store is refused rather than
    /// silently served from SQLite; `open(configuration:logger:)` opens whichever `store` names.
    public init(configuration: HubConfiguration, logger: Logger) throws {
        guard configuration.store == .sqlite else {
            throw ConfigError(
                origin: "Hub(configuration:logger:)", key: "store",
                problem: "\(configuration.store.rawValue) is opened by Hub.open(configuration:logger:); this initializer opens SQLite only")
        }
        self.init(configuration: configuration, store: try Self.openStore(configuration), logger: logger)
    }

    /// Builds the hub on an opened store.
    public init(configuration: HubConfiguration, store: any HubBackend, logger: Logger) {
        self.configuration = configuration
        self.store = store
        metrics = HubMetrics()
        let liveRelay = ReplicaParts.relay(for: store)
        live = LiveFeed(
            settings: configuration.portal.live, lookups: store, relay: liveRelay, registry: store as? any LiveStreamRegistry,
            metrics: metrics,
            sessionIdleTimeoutSeconds: configuration.accounts.idleTimeoutSeconds, logger: logger)
        replicas = liveRelay.map { [live] in ReplicaParts(relay: $0, live: live) }
        outboxSignal = OutboxSignal()
        accounts = Self.makeAccounts(configuration, store: store, live: live, logger: logger)
        alerts = Self.makeAlertEngine(configuration, store: store, signal: outboxSignal, metrics: metrics, logger: logger, live: live)
        alertDecider = alerts.map { AlertPendingService(store: store, engine: $0, logger: logger) }
        alarms = AlarmEngine(store: store, settings: configuration.alarms, live: live, logger: logger)
        alarmTrigger = configuration.alarms.enabled ? EventTrigger(alarms: alarms) : nil
        // The judge's transitions go back through the writer as events, so the writer is built
        // first and the monitor joins its observers once both exist.
        let relay = FrequencyRelay()
        let monitor = configuration.frequency.alarmsEnabled ? Self.makeFrequencyMonitor(configuration, store: store, sink: relay, logger: logger) : nil
        frequencyMonitor = monitor
        // Everything that reacts to stored data hears it from the writer, after the commit.
        var observers: [any CommitObserver] = [live]
        if let alarmTrigger { observers.append(alarmTrigger) }
        if let alertDecider { observers.append(alertDecider) }
        if let monitor { observers.append(monitor) }
        writer = IngestWriter(
            store: store, maxPendingRecords: configuration.writerMaxPendingRecords, metrics: metrics, logger: logger,
            observers: observers)
        // Each transition is stored as an event and raises or returns its alarm.
        let events = FrequencyEventSink(writer: writer, logger: logger)
        relay.connect(configuration.alarms.enabled ? FrequencySinks([events, FrequencyAlarmBridge(alarms: alarms)]) : events)
    }

    public func buildRouter() -> Router<HubRequestContext> {
        // HEAD works wherever GET does (RFC 9110 §9.3.2): same status and headers, no body.
        let router = Router(context: HubRequestContext.self, options: .autoGenerateHeadEndpoints)
        let openAPI = SystemController.bundledOpenAPI()
        router.add(
            middleware: ErrorAndMetricsMiddleware(
                metrics: metrics, retryAfterSeconds: configuration.retryAfterSeconds,
                allowed: AllowedMethods(openAPI: openAPI, pages: ["/", "/login", "/admin"]),
                availability: store as? any StoreAvailability))
        router.add(middleware: HostHeaderMiddleware())
        addStaticFiles(to: router)
        SystemController(store: store, metrics: metrics, openAPI: openAPI).addRoutes(to: router)
        var api = router.group("api")
        if let availability = store as? any StoreAvailability {
            api = api.add(middleware: StoreAvailabilityMiddleware(availability: availability))
        }
        api = api.add(middleware: AuthMiddleware(keys: store, accounts: accounts))
        addAccountRoutes(to: router, api: api)
        IngestController(writer: writer, configuration: configuration, metrics: metrics)
            .addRoutes(to: api.group("ingest"))
        QueryController(store: store, configuration: configuration).addRoutes(to: api.group("query"))
        AlertQueryController(store: store).addRoutes(to: api.group("query"))
        SummaryController(store: store).addRoutes(to: api.group("query"))
        AlarmController(alarms: alarms, audit: store).addRoutes(to: api.group("alarms"))
        StreamController(live: live, settings: configuration.portal.live, retryAfterSeconds: configuration.retryAfterSeconds)
            .addRoutes(to: api)
        // Every /api/admin route: refusals to non-admins are audited (AdminDenialMiddleware).
        let admin = api.group("admin").add(middleware: AdminDenialMiddleware(store: store))
        PortalController(configuration: configuration, layers: LayerStore(dataDirectory: configuration.dataDirectory), audit: store)
            .addRoutes(portal: api.group("portal"), admin: admin)
        AdminKeysController(store: store).addRoutes(to: admin)
        AuditController(store: store).addRoutes(to: admin)
        AdminUsersController(accounts: accounts).addRoutes(to: admin)
        return router
    }

    /// The application with its services, in start order; shutdown runs in reverse: the server
    /// stops accepting and finishes requests, retention stops, the writer flushes, the store closes.
    public func buildApplication(logger: Logger) -> some ApplicationProtocol {
        let http = configuration.http
        let trustedProxies = configuration.accounts.trustedProxies
        let retryAfter = configuration.retryAfterSeconds
        var app = Application(
            router: buildRouter(),
            server: HTTPServerBuilder { responder in
                GuardedHTTP1Channel(
                    responder: responder, settings: http, trustedProxies: trustedProxies, retryAfterSeconds: retryAfter,
                    logger: logger)
            },
            configuration: .init(
                address: .hostname(configuration.host, port: configuration.port), serverName: "hop-hub"),
            logger: logger)
        // Shut down in reverse: the writer commits what is queued, then the alert decider decides
        // the pending alerts once more, then the live feed ends its streams, then (on PostgreSQL) the
        // relay sends its last news and the primary watch stops, then the store closes.
        app.addServices(StoreCloser(store: store, logger: logger))
        if let replicas { app.addServices(replicas.services) }
        app.addServices(live)
        if let alertDecider { app.addServices(alertDecider) }
        if let alarmTrigger { app.addServices(alarmTrigger, AlarmSweepService(engine: alarms, metrics: metrics)) }
        if let frequencyMonitor { app.addServices(frequencyMonitor) }
        app.addServices(
            writer,
            RetentionService(store: store, configuration: configuration, logger: logger),
            CompactionService(store: store, settings: configuration.storage, metrics: metrics, logger: logger))
        app.addServices(alertingServices(logger: logger))
        app.addServices(accountServices(logger: logger))
        return app
    }

    /// Runs until SIGTERM or SIGINT, then shuts down gracefully.
    public func run(logger: Logger) async throws {
        try await buildApplication(logger: logger).runService()
    }
}
