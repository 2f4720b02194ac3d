import ServiceLifecycle

/// Every `alarms.sweep_interval_s`: ends shelves whose time is up, checks for silent
/// substations (`AlarmEngine.sweep`) and refreshes the alarm KPI gauges of `/metrics`.
public struct AlarmSweepService: Service {
    let engine: AlarmEngine
    let metrics: HubMetrics?

    public init(engine: AlarmEngine, metrics: HubMetrics? = nil) {
        self.engine = engine
        self.metrics = metrics
    }

    public func run() async {
        let engine = self.engine
        let metrics = self.metrics
        await repeatUntilShutdown(every: .seconds(engine.settings.sweepIntervalSeconds), startNow: true) {
            await engine.sweep()
            if let metrics, let kpis = try? await engine.kpis(scope: .all) { metrics.alarmKPIs(kpis) }
        }
    }
}
