import Logging
import ServiceLifecycle

/// Holds the store open for the life of the process and closes it last at shutdown (it is the
/// first service in the group, so it is shut down after the server and the writer).
package struct StoreCloser: Service {
    let store: any MaintenanceStore
    let logger: Logger

    package init(store: any MaintenanceStore, logger: Logger) {
        self.store = store
        self.logger = logger
    }

    package func run() async throws {
        try? await gracefulShutdown()
        try await store.close()
        logger.info("database closed")
    }
}
