import HopProtocol
import PostgresNIO

/// Score rows sent as one row per substation whose columns are arrays (`array_agg`), for answers of
/// thousands of scores. PostgreSQL sends, and postgres-nio parses and hands over, one message per
/// row: for a week's trend (7,500 scores) that cost the hub about 14 ms of CPU per request, more
/// than decoding the values; twenty rows of arrays cost a fraction of it.
extension PostgresStore {
    /// The aggregates after the substation: `ts`, then the columns of ``scoreColumns`` in their
    /// order. `isAnomaly` is the expression for `is_anomaly` (`false` over `score_peaks`, which holds
    /// normal scores only). Arrays aggregated in one pass keep one row's values at one index.
    static func aggregatedScores(isAnomaly: String = "is_anomaly") -> String {
        """
        array_agg(ts) AS ts, array_agg(anomaly_score), array_agg(\(isAnomaly)), array_agg(z_score), array_agg(baseline_mean),
        array_agg(baseline_std), array_agg(latest_value), array_agg(model_version)
        """
    }

    /// The scores of a row of a substation and ``aggregatedScores(isAnomaly:)``, in array order
    /// (the arrays read by the plain decoders: `PostgresPlainArrays.swift`).
    static func scores(fromArrays row: PostgresRow) throws -> [AnomalyScore] {
        var cells = PostgresRowCells(row)
        let substation = SubstationID(try cells.next(String.self))
        let ts = try cells.next(PlainArray<Int64>.self).values
        let anomalyScore = try cells.next(PlainArray<Double>.self).values
        let isAnomaly = try cells.next(PlainArray<Bool>.self).values
        let zScore = try cells.next(PlainArray<Double>.self).values
        let baselineMean = try cells.next(PlainArray<Double>.self).values
        let baselineStd = try cells.next(PlainArray<Double>.self).values
        let latestValue = try cells.next(PlainArray<Double>.self).values
        let modelVersion = try cells.next(PlainArray<String>.self).values
        let counts = [anomalyScore.count, isAnomaly.count, zScore.count, baselineMean.count, baselineStd.count, latestValue.count, modelVersion.count]
        guard counts.allSatisfy({ $0 == ts.count }) else {
            throw PostgresRowError(table: "scores", id: substation.rawValue, problem: "aggregated columns of \(ts.count) and \(counts) values")
        }
        return ts.indices.map { i in
            AnomalyScore(
                time: SourceTime(epochMilliseconds: ts[i]), substationID: substation, anomalyScore: anomalyScore[i], isAnomaly: isAnomaly[i],
                zScore: zScore[i], baselineMean: baselineMean[i], baselineStd: baselineStd[i], latestValue: latestValue[i],
                modelVersion: modelVersion[i], classification: AnomalyClass(score: anomalyScore[i]).rawValue)
        }
    }
}
