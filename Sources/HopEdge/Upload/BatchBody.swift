import CompressNIO
import Foundation
import HopProtocol
import NIOCore

/// Assembles the `POST /api/ingest/batch` JSON from journal rows without decoding them: the rows
/// already hold each record's JSON, so a batch is their concatenation plus the envelope.
public enum BatchBody {
    public static func encode(
        edgeID: EdgeID, seq: Int64, sentAt: SourceTime, batch: PendingBatch, health: EdgeHealth?
    ) -> [UInt8] {
        let encoder = JSONEncoder()
        let id = (try? encoder.encode(edgeID)).map { [UInt8]($0) } ?? Array("\"\"".utf8)
        let healthJSON = health.flatMap { try? encoder.encode($0) }.map { [UInt8]($0) }
        let size = batch.telemetry.reduce(0) { $0 + $1.count + 1 } + batch.events.reduce(0) { $0 + $1.count + 1 }
        var out: [UInt8] = []
        out.reserveCapacity(size + 256 + (healthJSON?.count ?? 0))
        out += Array("{\"edge_id\":".utf8) + id
        out += Array(",\"seq\":\(seq),\"sent_at\":\"\(sentAt.rfc3339)\",\"telemetry\":[".utf8)
        append(batch.telemetry, to: &out)
        out += Array("],\"events\":[".utf8)
        append(batch.events, to: &out)
        out += Array("],\"outages\":[]".utf8)
        if let healthJSON { out += Array(",\"health\":".utf8) + healthJSON }
        out.append(UInt8(ascii: "}"))
        return out
    }

    private static func append(_ records: [[UInt8]], to out: inout [UInt8]) {
        for (i, record) in records.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            out += record
        }
    }

    /// gzip (RFC 1952) of `body`.
    public static func gzip(_ body: [UInt8]) throws -> [UInt8] {
        var buffer = ByteBuffer(bytes: body)
        let compressed = try buffer.compress(with: .gzip())
        return Array(compressed.readableBytesView)
    }
}
