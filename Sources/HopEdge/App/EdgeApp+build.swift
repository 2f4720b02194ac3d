import Foundation
import HopProtocol
import Logging
import ServiceLifecycle
import UnixSignals

/// Wiring of the agent: one poller per device, the uploader, and optionally metrics, in one
/// `ServiceGroup` that handles SIGTERM/SIGINT. Shutdown runs in reverse order: metrics, pollers,
/// then the uploader, which makes one last flush attempt.
public enum EdgeApp {
    /// The live parts, exposed so tests and the benchmark can drive them.
    public struct Parts: Sendable {
        public var journal: SQLiteJournal
        public var board: DeviceStatusBoard
        public var uploader: Uploader
        public var pollers: [DevicePoller]
        public var metrics: MetricsServer?
    }

    /// Builds the services for `config` with the live Modbus and libcurl implementations.
    public static func build(
        config: EdgeConfig, logger: Logger, clock: any EdgeClock = SystemEdgeClock(),
        sessionFactory: ((DeviceConfig) -> any DeviceSession)? = nil,
        client: (any HubClient)? = nil
    ) throws -> Parts {
        let sessionFactory = sessionFactory ?? { liveSession(for: $0, logger: logger) }
        let journal = try SQLiteJournal(config: config.journal)
        let board = DeviceStatusBoard()
        let stats = UploadStats()
        var pollers: [DevicePoller] = []
        for device in config.devices {
            let plan = try DevicePlanner.plan(device, file: config.sourceFile, path: "devices")
            pollers.append(DevicePoller(
                plan: plan, session: sessionFactory(device), journal: journal, board: board, clock: clock, logger: logger))
        }
        let uploader = Uploader(
            edgeID: config.edgeID, journal: journal, client: client ?? CurlHubClient(hub: config.hub), board: board,
            config: config.upload, clock: clock, logger: logger, stats: stats)
        let metrics = config.metricsListen.map {
            MetricsServer(listen: $0, journal: journal, board: board, stats: stats, logger: logger)
        }
        return Parts(journal: journal, board: board, uploader: uploader, pollers: pollers, metrics: metrics)
    }

    /// The live session for `device`: DNP3 or Modbus.
    public static func liveSession(for device: DeviceConfig, logger: Logger) -> any DeviceSession {
        device.dnp3 != nil ? DNP3Session(device: device, logger: logger) : ModbusSession(device: device)
    }

    /// Runs the agent until SIGTERM/SIGINT.
    public static func run(config: EdgeConfig, logger: Logger) async throws {
        let lock = try JournalLock(journalPath: config.journal.path)
        defer { withExtendedLifetime(lock) {} }
        let parts = try build(config: config, logger: logger)
        try await parts.journal.markAgentStarted(pid: getpid(), at: .now())
        var services: [any Service] = [parts.uploader]
        services += parts.pollers.map { $0 as any Service }
        if let metrics = parts.metrics { services.append(metrics) }
        var configuration = ServiceGroupConfiguration(
            services: services.map { .init(service: $0) }, gracefulShutdownSignals: [.sigterm, .sigint],
            cancellationSignals: [], logger: logger)
        // A shutdown stuck on a slow hub or RTU is cancelled (an in-flight upload aborts; the
        // journal keeps everything) well before systemd's TimeoutStopSec.
        configuration.maximumGracefulShutdownDuration = .seconds(20)
        configuration.maximumCancellationDuration = .seconds(5)
        let group = ServiceGroup(configuration: configuration)
        logger.info(
            "hop-edge \(HopEdgeVersion.current) edge \(config.edgeID): \(config.devices.count) devices, journal \(config.journal.path), hub \(config.hub.url)")
        try await group.run()
        logger.info("stopped")
    }
}
