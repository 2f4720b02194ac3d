import HopHubCore
import HopHubSQLite
import Foundation
import Logging
import ServiceLifecycle

/// Wiring of the scorer, the alert engine and the outbox.
extension Hub {
    static func makeAlertEngine(
        _ configuration: HubConfiguration, store: any HubBackend, signal: OutboxSignal, metrics: HubMetrics, logger: Logger,
        live: LiveFeed
    ) -> AlertEngine? {
        guard configuration.alerting.enabled else { return nil }
        return AlertEngine(
            store: store, settings: configuration.alerting,
            recipients: makeAlertRecipients(configuration, store: store), signal: signal,
            metrics: metrics, logger: logger, live: live)
    }

    /// The scorer (when `scoring.enabled`) and the outbox delivery (when `smtp.url` is set).
    func alertingServices(logger: Logger) -> [any Service] {
        var services: [any Service] = []
        if configuration.scoring.enabled {
            services.append(ScoringService(store: store, settings: configuration.scoring, alerts: alertDecider, metrics: metrics, logger: logger, live: live,
                    alarms: configuration.alarms.enabled ? alarms : nil))
        }
        logAlertingSetup(logger)
        if alerts != nil, let mailer = CurlSMTPMailer(settings: configuration.smtp) {
            services.append(
                OutboxService(
                    store: store, mailer: mailer, settings: configuration.smtp, signal: outboxSignal, metrics: metrics,
                    logger: logger))
        }
        return services
    }

    /// One line at start saying where alert mail goes (never the password), or why it goes nowhere.
    private func logAlertingSetup(_ logger: Logger) {
        let a = configuration.alerting
        let smtp = configuration.smtp
        guard a.enabled else {
            logger.info("alerting disabled (alerts.enabled = false)")
            return
        }
        guard let relay = smtp.url else {
            logger.warning("alerts are decided and logged but not mailed: smtp.url is not set")
            return
        }
        if a.recipients.isEmpty { logger.warning("alert mail has no recipients: alerts.recipients is empty") }
        logger.info(
            "alert mail",
            metadata: [
                "relay": "\(relay)", "starttls": "\(smtp.startTLS)", "auth": "\(smtp.username != nil)",
                "recipients": "\(a.recipients.count)", "from": "\(smtp.from)",
            ])
    }
}
