import Foundation
import HopProtocol
import Logging
import ServiceLifecycle
import Synchronization

/// Serves `GET /metrics` (Prometheus text format) on `metrics.listen`. The service refreshes a
/// snapshot every second; a plain blocking accept loop on its own thread serves it, one request
/// per connection, so scrapes never touch the pollers or the journal directly.
public final class MetricsServer: Service, Sendable {
    let listen: String
    let journal: SQLiteJournal
    let board: DeviceStatusBoard
    let stats: UploadStats
    let logger: Logger
    private let page = Mutex<String>("")

    init(listen: String, journal: SQLiteJournal, board: DeviceStatusBoard, stats: UploadStats, logger: Logger) {
        self.listen = listen
        self.journal = journal
        self.board = board
        self.stats = stats
        self.logger = logger
    }

    public func run() async throws {
        guard let (host, port) = ConfigLoader.splitHostPort(listen) else { return }
        let socket = try ListeningSocket(host: host, port: port)
        logger.info("metrics on http://\(listen)/metrics")
        await refresh()
        let thread = Thread { [self] in self.serve(socket) }
        thread.name = "hop-edge.metrics"
        thread.start()
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            try? await Task.sleep(for: .seconds(1))
            await refresh()
        }
        socket.close()
    }

    private func refresh() async {
        let snapshot = MetricsText.Snapshot(
            journal: await journal.counters(), devices: await board.snapshot(), polls: await board.pollCounts(),
            batches: await stats.batchesSent, records: await stats.recordsSent, bytes: await stats.bytesSent,
            retries: await stats.retries, quarantined: await stats.quarantined, now: .now())
        let text = MetricsText.render(snapshot)
        page.withLock { $0 = text }
    }

    private func serve(_ socket: ListeningSocket) {
        while let connection = socket.accept() {
            let request = connection.readHead()
            let body = page.withLock { $0 }
            if request.hasPrefix("GET /metrics") {
                connection.respond(status: "200 OK", type: "text/plain; version=0.0.4; charset=utf-8", body: body)
            } else {
                connection.respond(status: "404 Not Found", type: "text/plain", body: "only GET /metrics here\n")
            }
            connection.close()
        }
    }
}
