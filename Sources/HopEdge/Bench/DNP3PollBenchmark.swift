import Foundation
import HopDNP3
import HopProtocol
import Logging

/// `hop-edge bench dnp3`: the master's integrity poll (request, response parsing, flags, mapping
/// onto 16 feeders, conversion to readings) against the outstation's own answer time — the same
/// request bytes written and the same number of response bytes read on a bare socket, no parsing.
/// Two identical outstations serve the two paths so neither connection displaces the other.
public enum DNP3PollBenchmark {
    public struct Result: Codable, Sendable {
        public var cycles: Int
        public var responseBytes: Int
        public var bareMeanMicros: Double
        public var bareP50Micros: Double
        public var bareP99Micros: Double
        public var pollMeanMicros: Double
        public var pollP50Micros: Double
        public var pollP99Micros: Double
        /// Mean master time per poll on top of the outstation's answer.
        public var overheadMeanMicros: Double
        public var overheadP50Micros: Double
    }

    /// 16 feeders over analog inputs 0…7 and binary input 0 of an 8-point outstation.
    public static func device(host: String, port: Int) -> DeviceConfig {
        let feeders = (0..<16).map { k -> FeederConfig in
            var f = FeederConfig(feederID: FeederID("B\(k)"), deviceID: DeviceID("BENCH-B\(k)"), map: RegisterMap())
            f.dnp3Map = DNP3FeederMap(
                points: [
                    .voltageKV: DNP3AnalogSpec(type: .analog, index: UInt32(k % 8), scale: 0.001),
                    .currentA: DNP3AnalogSpec(type: .analog, index: UInt32((k + 1) % 8)),
                    .frequencyHz: DNP3AnalogSpec(type: .analog, index: 7, scale: 0.01),
                ],
                breaker: DNP3BreakerSpec(type: .binary, index: 0))
            return f
        }
        var device = DeviceConfig(
            name: "bench", transport: .dnp3TCP(host: host, port: port), timeout: .seconds(2), retries: 0,
            substationID: "SUB001", feeders: feeders)
        device.dnp3 = DNP3Settings(outstationAddress: 1024, eventPolls: [:])
        return device
    }

    public static func run(host: String, barePort: Int, pollPort: Int, cycles: Int) async throws -> Result {
        let device = device(host: host, port: pollPort)
        let session = DNP3Session(device: device, logger: Logger(label: "hop-edge.bench"))
        let converter = SampleConverter(device: device)
        let scan = ScanPlan(name: DNP3Poll.integrity.name, interval: .seconds(1), requests: [])
        guard let executor = session.executor else { throw BenchError(message: "no device executor") }
        let bare = try BareDNP3(host: host, port: barePort)
        let (bareTimes, pollTimes) = try await withTaskExecutorPreference(executor) { () async throws -> ([Double], [Double]) in
            _ = try await session.scan(scan)  // start-up: restart cleared, events flushed
            try bare.prime()
            let clock = ContinuousClock()
            var bareTimes: [Double] = [], pollTimes: [Double] = []
            for block in 0..<(cycles / 100 + 1) {
                for _ in 0..<100 { bareTimes.append(try bare.exchange()) }
                for _ in 0..<100 {
                    let start = clock.now
                    let sample = try await session.scan(scan)
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
        await session.disconnect()
        let b = Stats(bareTimes), p = Stats(pollTimes)
        return Result(
            cycles: pollTimes.count, responseBytes: bare.responseBytes, bareMeanMicros: b.mean, bareP50Micros: b.p50,
            bareP99Micros: b.p99, pollMeanMicros: p.mean, pollP50Micros: p.p50, pollP99Micros: p.p99,
            overheadMeanMicros: p.mean - b.mean, overheadP50Micros: p.p50 - b.p50)
    }
}

/// The baseline: a socket that writes a prebuilt integrity-poll frame and reads the known number of
/// response bytes, without looking at them.
final class BareDNP3: @unchecked Sendable {
    // @unchecked: used from one thread at a time by the benchmark.
    private let channel: TCPChannel
    /// One request per application sequence number, sent in turn: an outstation answers a repeat
    /// of the previous request from its cache, which would flatter the baseline.
    private var requests: [[UInt8]] = []
    private var next = 0
    private(set) var responseBytes = 0
    private let clock = ContinuousClock()

    init(host: String, port: Int) throws {
        channel = TCPChannel(host: host, port: port)
        try channel.open(timeout: .seconds(2))
    }

    deinit { channel.close() }

    /// Builds the request and learns the length of the answer (one fragment, no confirm asked).
    func prime() throws {
        requests = (0..<16).map { seq -> [UInt8] in
            let fragment = Request.integrity(sequence: UInt8(seq))
            let segment = TransportSegment.segments(of: fragment, startingAt: UInt8(seq)).segments[0]
            return LinkFrame(
                control: LinkControl(fromMaster: true, function: .primary(.unconfirmedUserData)), destination: 1024,
                source: 1, userData: segment
            ).encoded()
        }
        // The first answers carry IIN1.7 and start-up events; the third is the steady answer.
        for _ in 0..<3 {
            try channel.write(nextRequest())
            var parser = LinkParser()
            var bytes = 0
            var done = false
            while !done {
                let chunk = try channel.read(timeout: .seconds(2))
                if chunk.isEmpty { throw BenchError(message: "bare integrity poll: no answer") }
                bytes += chunk.count
                for frame in parser.feed(chunk) where (frame.userData.first ?? 0) & 0x80 != 0 { done = true }
            }
            responseBytes = bytes
        }
    }

    private func nextRequest() -> [UInt8] {
        defer { next = (next + 1) % requests.count }
        return requests[next]
    }

    /// One exchange; returns its duration in microseconds.
    func exchange() throws -> Double {
        let request = nextRequest()
        let start = clock.now
        try channel.write(request)
        var got = 0
        while got < responseBytes {
            let chunk = try channel.read(timeout: .seconds(2))
            if chunk.isEmpty { throw BenchError(message: "bare integrity poll: no answer") }
            got += chunk.count
        }
        return (clock.now - start).seconds * 1e6
    }
}
