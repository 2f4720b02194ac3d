import HopProtocol

@testable import HopHubCore

/// What a store answers to the hub's queries over the migration fixture's data; equal answers
/// from the SQLite source and the PostgreSQL target mean users see the same hub after the move.
struct StoreAnswers: Equatable {
    var latest: [LatestReading]
    var raw: [TimeSeriesPoint]
    var rawResolution: Int
    var rolledUp: [TimeSeriesPoint]
    var rolledUpResolution: Int
    var frequency: [FrequencySeries]
    var events: [EventRecord]
    var outages: [OutageRecord]
    var substations: [SubstationInfo]
    var latestScores: [AnomalyScore]
    var scoreTrend: [AnomalyScore]
    var edges: [EdgeRecord]
    var alertLog: [AlertLogEntry]
    var nextOutboxAttempt: Int64?
    var alarms: [Alarm]
    var alarmHistory: [[AlarmHistoryEntry]]
    var keys: [APIKeyRecord]
    var users: [UserRecord]
    var audit: [AuditEntry]

    static func of(_ store: any HubBackend) async throws -> StoreAnswers {
        let now = MigrationFixture.now
        let day = StoreTestData.day
        let history = SeriesWindow(from: now - 5 * 60 * MigrationFixture.minute, to: now, maxPoints: 100_000)
        let longRange = SeriesWindow(from: now - 20 * day, to: now, maxPoints: 60)
        let raw = try await store.timeSeries(substation: "SUB003", window: history)
        let rolledUp = try await store.timeSeries(substation: "SUB003", window: longRange)
        let alarms = try await store.alarms(AlarmFilter(scope: .all, states: Set(AlarmState.allCases)))
        var alarmHistory: [[AlarmHistoryEntry]] = []
        for alarm in alarms { alarmHistory.append(try await store.alarmHistory(id: alarm.id)) }
        return StoreAnswers(
            latest: try await store.latestReadings(since: 0, scope: .all),
            raw: raw.points, rawResolution: raw.resolutionSeconds,
            rolledUp: rolledUp.points, rolledUpResolution: rolledUp.resolutionSeconds,
            frequency: try await store.frequencySeries(window: history, scope: .all).series,
            events: try await store.events(since: 0, scope: .all, limit: 1000),
            outages: try await store.activeOutages(scope: .all),
            substations: try await store.substations(scope: .all, activeSince: 0),
            latestScores: try await store.latestScores(scope: .all),
            scoreTrend: try await store.scoreTrend(since: 0, until: now, scope: .all, limit: 1000, maxPointsPerSubstation: 100),
            edges: try await store.edges(scope: .all),
            alertLog: try await store.alertLog(since: 0, scope: .all, limit: 1000),
            nextOutboxAttempt: try await store.nextOutboxAttempt(),
            alarms: alarms, alarmHistory: alarmHistory,
            keys: try await store.keys(),
            users: try await store.users(),
            audit: try await store.auditEntries(AuditFilter()))
    }
}
