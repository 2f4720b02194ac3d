import Dispatch
import Foundation
import Logging

/// Builds and runs a simulator from a configuration: the event loop on its own thread, the REST
/// poster as a task, SIGINT/SIGTERM wired to a clean shutdown. The CLI's `main` calls `run`.
public struct SimRunner: Sendable {
    public let configuration: SimConfiguration
    public let clock: any SimClock
    public let logger: Logger

    public init(configuration: SimConfiguration, clock: any SimClock = SystemClock(), logger: Logger) {
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
    }

    /// Runs until SIGINT/SIGTERM (or `shutdown.trigger()`); throws on bad configuration or sockets.
    public func run(shutdown: ShutdownSignal? = nil) async throws(SimError) {
        let config = configuration
        try config.validate()
        let state = SimulationState(
            sites: SiteCatalog.sites(count: config.substations), feeders: config.feeders,
            model: ValueModel(
                seed: config.seed, stepMs: config.stepMs, nominalKV: config.nominalKV,
                naturalExcursions: config.naturalExcursions),
            startedMs: clock.nowMs())
        let scenario = try config.scenarioPath.map { path throws(SimError) in
            do throws(ScenarioError) { return try Scenario.load(path: path, parser: state.parser) } catch {
                throw SimError(error.description)
            }
        }
        if let scenario { logger.info("scenario: \(scenario.events.count) events from \(config.scenarioPath ?? "")") }
        let client = try config.postTo.map { url throws(SimError) in
            URLSessionIngestClient(baseURL: url, apiKey: try config.readAPIKey())
        }
        let stop: ShutdownSignal
        if let shutdown { stop = shutdown } else { stop = try ShutdownSignal() }
        let signals = Self.installSignalHandlers(stop, logger: logger)
        defer { signals.forEach { $0.cancel() } }

        let loop = EventLoop(
            modbus: config.listen, dnp3: config.dnp3, control: config.control, scenario: scenario ?? Scenario(events: []),
            state: state, clock: clock, shutdown: stop, logger: logger)
        let poster = client.map { RestPoster(
                client: $0, state: state, clock: clock, intervalMs: config.postIntervalMs, kinds: config.postKinds,
                logger: logger) }
        let posting = poster.map { p in Task { await p.run() } }
        logger.info(
            "hop-sim: \(config.substations) substations × \(config.feeders) feeders, seed \(config.seed), step \(config.stepMs) ms")
        let result = await Self.runOnThread(loop)
        posting?.cancel()
        await posting?.value
        try result.get()
    }

    /// Runs the blocking loop on a dedicated thread and waits for it without blocking the pool.
    static func runOnThread(_ loop: EventLoop) async -> Result<Void, SimError> {
        await withCheckedContinuation { continuation in
            let thread = Thread {
                do throws(SimError) {
                    try loop.run()
                    continuation.resume(returning: .success(()))
                } catch {
                    loop.shutdown.trigger()
                    continuation.resume(returning: .failure(error))
                }
            }
            thread.name = "hop-sim-io"
            thread.start()
        }
    }

    /// SIGINT and SIGTERM trigger `shutdown` instead of killing the process; SIGPIPE (a peer that
    /// went away mid-answer) is ignored, the write just fails.
    static func installSignalHandlers(_ shutdown: ShutdownSignal, logger: Logger) -> [any DispatchSourceSignal] {
        signal(SIGPIPE, SIG_IGN)
        return [SIGINT, SIGTERM].map { sig in
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler {
                logger.info("signal \(sig): stopping")
                shutdown.trigger()
            }
            source.resume()
            return source
        }
    }
}
