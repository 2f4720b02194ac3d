import Foundation
import HopProtocol
import Logging
import NIOCore
import CompressNIO

/// `hop-edge bench drain`: journal N readings, then time the real uploader (libcurl, gzip) emptying
/// the journal into a hub.
public enum DrainBenchmark {
    public struct Result: Codable, Sendable {
        public var readings: Int
        public var fillSeconds: Double
        public var fillPerSecond: Double
        public var drainSeconds: Double
        public var drainPerSecond: Double
        public var batches: Int64
        public var bytesSent: Int64
        public var retries: Int64
    }

    /// `client` defaults to libcurl against `hub`; pass `NullHub()` to measure the edge's own ceiling.
    public static func run(
        hub: HubConfig, journalPath: String, readings: Int, batchRecords: Int, client: (any HubClient)? = nil
    ) async throws -> Result {
        let journal = try SQLiteJournal(config: JournalConfig(path: journalPath, quotaBytes: 1 << 40, minFreeDiskBytes: 0))
        let clock = ContinuousClock()
        let start = SourceTime.now().epochMilliseconds - Int64(readings) * 10
        let fillStart = clock.now
        var written = 0
        while written < readings {
            let n = min(10_000, readings - written)
            let chunk = (0..<n).map { i -> JournalEntry in
                let k = written + i
                return .telemetry(Telemetry(
                    substationID: "SUB001", feederID: FeederID("FDR00\(k % 4 + 1)"), deviceID: DeviceID("SUB001-FDR00\(k % 4 + 1)"),
                    siteName: "Portland North", latitude: 45.5231, longitude: -122.6765, voltageKV: 229.8 + Double(k % 7) * 0.1,
                    currentA: 1187.4, powerMW: 274.2, frequencyHz: 60.002, ts: SourceTime(epochMilliseconds: start + Int64(k) * 10)))
            }
            try await journal.append(chunk, state: nil)
            written += n
        }
        let fill = (clock.now - fillStart).seconds
        let stats = UploadStats()
        let uploader = Uploader(
            edgeID: "edge-bench", journal: journal, client: client ?? CurlHubClient(hub: hub), board: DeviceStatusBoard(),
            config: UploadConfig(maxRecords: batchRecords, maxBytes: 32 * 1024 * 1024, maxAge: .zero, gzip: true),
            clock: SystemEdgeClock(), logger: Logger(label: "bench"), stats: stats)
        let drainStart = clock.now
        // The agent's own upload loop (pipelined preparation, backoff), stopped once the journal is empty.
        let loop = Task { await uploader.loop() }
        while await journal.counters().depth > 0 {
            if await stats.quarantined > 0 {
                loop.cancel()
                throw BenchError(message: "a batch was refused; see the hub log")
            }
            try await Task.sleep(for: .milliseconds(5))
        }
        loop.cancel()
        await loop.value
        let drain = (clock.now - drainStart).seconds
        return Result(
            readings: readings, fillSeconds: fill, fillPerSecond: Double(readings) / fill, drainSeconds: drain,
            drainPerSecond: Double(readings) / drain, batches: await stats.batchesSent, bytesSent: await stats.bytesSent,
            retries: await stats.retries)
    }
}

/// A hub double that accepts everything at once: isolates the edge's side of the drain.
public struct NullHub: HubClient {
    public init() {}

    public func postBatch(_ body: [UInt8], gzip: Bool) async throws(HubTransportError) -> HubResponse {
        // The envelope starts {"edge_id":"…","seq":N,…}: echo both in a receipt without a full decode.
        var raw = body
        if gzip {
            // Inflate only the first 512 bytes (the output buffer overflows; what it holds is enough).
            var buffer = ByteBuffer(bytes: body)
            var head = ByteBufferAllocator().buffer(capacity: 512)
            _ = try? buffer.decompress(to: &head, with: .gzip())
            raw = Array(head.readableBytesView)
        }
        let head = String(decoding: raw.prefix(512), as: UTF8.self)
        let edge = head.split(separator: "\"")[safe: 3].map(String.init) ?? ""
        let seq = head.range(of: "\"seq\":").flatMap { r in Int64(head[r.upperBound...].prefix { $0.isNumber }) } ?? 0
        return HubResponse(
            status: 200,
            body: Array(#"{"edge_id":"\#(edge)","seq":\#(seq),"duplicate":false,"telemetry":0,"events":0,"outages":0}"#.utf8))
     }

    public func probe() async throws(HubTransportError) -> Int { 200 }
}

extension Array {
    fileprivate subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
