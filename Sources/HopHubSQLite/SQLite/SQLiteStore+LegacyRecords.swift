import HopHubCore
import Foundation
import GRDB
import HopProtocol

/// Finds stored values that today's input rules would refuse, written by a release that did not
/// check them (an outage's `etr_time` outside the years 0001…9999, an edge health report that no
/// longer decodes). They are never a reason to fail: reads show them as absent. This lists them once
/// at start-up so the operator can see what is degraded.
extension SQLiteStore {
    public struct LegacyRecord: Sendable, Hashable, CustomStringConvertible {
        public var table: String
        public var key: String
        public var problem: String
        public var description: String { "\(table) \(key): \(problem)" }
    }

    /// At most `limit` records, outages first.
    public func legacyRecords(limit: Int = 20) async throws -> [LegacyRecord] {
        let range = SourceTime.representableRange
        return try await pool.read { db in
            var found: [LegacyRecord] = []
            let outages = try Row.fetchAll(
                db, sql: "SELECT outage_id, etr_time FROM outages WHERE etr_time NOT BETWEEN ? AND ? LIMIT ?",
                arguments: [range.lowerBound, range.upperBound, limit])
            for row in outages {
                let etr: Int64 = row["etr_time"]
                found.append(LegacyRecord(
                    table: "outages", key: row["outage_id"],
                    problem: "etr_time \(etr) is outside the years 0001…9999; it is shown as no estimate"))
            }
            let edges = try Row.fetchAll(db, sql: "SELECT edge_id, health_json FROM edges WHERE health_json IS NOT NULL")
            for row in edges where found.count < limit {
                let json: String = row["health_json"]
                do {
                    _ = try JSONDecoder().decode(EdgeHealth.self, from: Data(json.utf8))
                } catch {
                    found.append(LegacyRecord(
                        table: "edges", key: row["edge_id"],
                        problem: "the stored health report no longer decodes (\(error)); it is shown as none until the edge reports again"))
                }
            }
            return found
        }
    }
}
