import Foundation
import Logging
import ServiceLifecycle

/// A minimal HTTP/1.1 server answering `GET /metrics` in the Prometheus text format, on the
/// optional `metrics.listen` address. Blocking accept on its own thread; one request per connection.
public final class MetricsServer: Service, Sendable {
    let listen: String
    let journal: SQLiteJournal
    let board: DeviceStatusBoard
    let stats: UploadStats
    let logger: Logger

    init(listen: String, journal: SQLiteJournal, board: DeviceStatusBoard, stats: UploadStats, logger: Logger) {
        self.listen = listen
        self.journal = journal
        self.board = board
        self.stats = stats
        self.logger = logger
    }

    public func run() async throws {
        // Filled in by the metrics step; until then the service just waits for shutdown.
        try? await gracefulShutdown()
    }
}
