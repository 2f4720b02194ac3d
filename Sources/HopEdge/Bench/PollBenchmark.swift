import CModbus
import Foundation
import HopProtocol

/// `hop-edge bench poll`: the agent's poll path for one 125-register request against a bare
/// libmodbus read of the same registers, in the same process and run.
public enum PollBenchmark {
    public struct Result: Codable, Sendable {
        public var cycles: Int
        public var registers: Int
        public var bareMeanMicros: Double
        public var bareP50Micros: Double
        public var bareP99Micros: Double
        public var pollMeanMicros: Double
        public var pollP50Micros: Double
        public var pollP99Micros: Double
        public var pollJournalMeanMicros: Double
        public var ratioMean: Double
        public var ratioP50: Double
    }

    /// A device whose plan is exactly one read of holding 0…124: 15 feeders of four float32 points and
    /// one feeder with two float32 points and a uint16.
    public static func device(host: String, port: Int, unit: Int) -> DeviceConfig {
        var feeders: [FeederConfig] = []
        for k in 0..<16 {
            var points: [TelemetryField: PointSpec] = [:]
            let base = 8 * k
            if k < 15 {
                for (j, field) in TelemetryField.allCases.enumerated() {
                    points[field] = PointSpec(function: .holding, address: base + 2 * j)
                }
            } else {
                points[.voltageKV] = PointSpec(function: .holding, address: base)
                points[.currentA] = PointSpec(function: .holding, address: base + 2)
                points[.frequencyHz] = PointSpec(function: .holding, address: base + 4, type: .uint16)
            }
            feeders.append(FeederConfig(
                feederID: FeederID("B\(k)"), deviceID: DeviceID("BENCH-B\(k)"), map: RegisterMap(points: points)))
        }
        return DeviceConfig(
            name: "bench", transport: .modbusTCP(host: host, port: port), unitID: unit, timeout: .seconds(2), retries: 0,
            substationID: "SUB001", maxGapRegisters: 0, feeders: feeders)
    }

    public static func run(host: String, port: Int, unit: Int, cycles: Int, journalPath: String) async throws -> Result {
        let device = device(host: host, port: port, unit: unit)
        let plan = try ReadPlanner.plan(device)
        guard plan.requestCount == 1, let request = plan.scans.first?.requests.first, request.count == 125 else {
            throw BenchError(message: "bench plan is not one 125-register read: \(plan.description)")
        }
        let bare = try BareReader(host: host, port: port, unit: unit, count: 125)
        let session = ModbusSession(device: device)
        let converter = SampleConverter(device: device)
        guard let executor = session.executor else { throw BenchError(message: "no device executor") }
        // Both on the device's thread, as the poller runs, in alternating blocks of 100 so machine
        // noise hits both alike.
        let (bareTimes, pollTimes) = try await withTaskExecutorPreference(executor) { () async throws -> ([Double], [Double]) in
            let clock = ContinuousClock()
            var bareTimes: [Double] = [], pollTimes: [Double] = []
            for block in 0..<(cycles / 100 + 1) {
                for _ in 0..<100 { bareTimes.append(try bare.read()) }
                for _ in 0..<100 {
                    let start = clock.now
                    let sample = try await session.scan(plan.scans[0])
                    let readings = converter.telemetry(sample, at: .now())
                    pollTimes.append((clock.now - start).seconds * 1e6)
                    if readings.count != 16 { throw BenchError(message: "expected 16 readings, got \(readings.count)") }
                }
                if block == 0 {  // warm-up
                    bareTimes.removeAll()
                    pollTimes.removeAll()
                }
            }
            return (bareTimes, pollTimes)
        }
        // The same with the journal commit every poll makes (WAL, synchronous=FULL).
        let journal = try SQLiteJournal(config: JournalConfig(path: journalPath, minFreeDiskBytes: 0))
        var withJournal: [Double] = []
        let clock = ContinuousClock()
        for _ in 0..<min(cycles, 500) {
            let start = clock.now
            let sample = try await session.scan(plan.scans[0])
            let readings = converter.telemetry(sample, at: .now())
            try await journal.append(readings.map(JournalEntry.telemetry), state: nil)
            withJournal.append((clock.now - start).seconds * 1e6)
        }
        await session.disconnect()
        let b = Stats(bareTimes), p = Stats(pollTimes), j = Stats(withJournal)
        return Result(
            cycles: pollTimes.count, registers: 125, bareMeanMicros: b.mean, bareP50Micros: b.p50, bareP99Micros: b.p99,
            pollMeanMicros: p.mean, pollP50Micros: p.p50, pollP99Micros: p.p99, pollJournalMeanMicros: j.mean,
            ratioMean: p.mean / b.mean, ratioP50: p.p50 / b.p50)
    }

}

/// A plain libmodbus context reading `count` holding registers from 0: the baseline.
final class BareReader: @unchecked Sendable {
    // @unchecked: used from one thread at a time by the benchmark.
    private let ctx: OpaquePointer
    private var registers: [UInt16]
    private let clock = ContinuousClock()

    init(host: String, port: Int, unit: Int, count: Int) throws {
        guard let ctx = modbus_new_tcp_pi(host, String(port)) else { throw BenchError(message: "modbus_new_tcp_pi failed") }
        self.ctx = ctx
        registers = [UInt16](repeating: 0, count: count)
        modbus_set_slave(ctx, Int32(unit))
        modbus_set_response_timeout(ctx, 2, 0)
        guard modbus_connect(ctx) == 0 else {
            modbus_free(ctx)
            throw BenchError(message: "connect: \(String(cString: modbus_strerror(errno)))")
        }
    }

    deinit {
        modbus_close(ctx)
        modbus_free(ctx)
    }

    /// One read; returns its duration in microseconds.
    func read() throws -> Double {
        let count = Int32(registers.count)
        let start = clock.now
        let n = registers.withUnsafeMutableBufferPointer { modbus_read_registers(ctx, 0, count, $0.baseAddress) }
        let elapsed = (clock.now - start).seconds * 1e6
        guard n == count else { throw BenchError(message: "read: \(String(cString: modbus_strerror(errno)))") }
        return elapsed
    }
}

/// Mean and percentiles of a sample.
struct Stats {
    var mean: Double
    var p50: Double
    var p99: Double

    init(_ values: [Double]) {
        let sorted = values.sorted()
        mean = sorted.isEmpty ? 0 : sorted.reduce(0, +) / Double(sorted.count)
        p50 = sorted.isEmpty ? 0 : sorted[sorted.count / 2]
        p99 = sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, sorted.count * 99 / 100)]
    }
}

/// A benchmark could not run.
public struct BenchError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
