import ArgumentParser
import Foundation
import HopEdge

/// Benchmarks (bench/edge/run_bench.py drives them). Hidden from help.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Benchmarks of the poll path and the upload drain.", shouldDisplay: false,
        subcommands: [Poll.self, DNP3.self, Drain.self])

    struct Poll: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Poll cycle of 125 registers vs a bare libmodbus read.")
        @Option var host = "127.0.0.1"
        @Option var port: Int
        @Option var unit = 1
        @Option var cycles = 2000
        @Option var journal: String

        func run() async throws {
            let result = try await PollBenchmark.run(host: host, port: port, unit: unit, cycles: cycles, journalPath: journal)
            print(try jsonLine(result))
        }
    }

    struct DNP3: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "dnp3", abstract: "DNP3 integrity poll of 16 feeders vs the outstation's bare answer time.")
        @Option var host = "127.0.0.1"
        @Option(help: "Outstation for the bare socket.") var barePort: Int
        @Option(help: "Identical outstation for the master.") var pollPort: Int
        @Option var cycles = 2000

        func run() async throws {
            let result = try await DNP3PollBenchmark.run(host: host, barePort: barePort, pollPort: pollPort, cycles: cycles)
            print(try jsonLine(result))
        }
    }

    struct Drain: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Journal N readings, then upload them all to a hub.")
        @Option var hub: String
        @Option var apiKeyFile: String
        @Option var journal: String
        @Option var readings = 1_000_000
        @Option var batch = 20_000
        @Flag(help: "Accept batches in-process instead of posting them (the edge's own ceiling).") var nullHub = false

        func run() async throws {
            let key = try String(contentsOfFile: apiKeyFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            let result = try await DrainBenchmark.run(
                hub: HubConfig(url: hub, apiKey: key, requestTimeout: .seconds(120)), journalPath: journal, readings: readings,
                batchRecords: batch, client: nullHub ? NullHub() : nil)
            print(try jsonLine(result))
        }
    }
}

func jsonLine<T: Encodable>(_ value: T) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    return String(decoding: try encoder.encode(value), as: UTF8.self)
}
