import Testing

@testable import HopSim

@Suite struct CommandParserTests {
    let parser = CommandParser(substations: 5, feeders: 4)

    @Test(arguments: [
        ("trip SUB001 FDR002", SimCommand.trip(substation: 0, feeder: 1, durationMs: nil)),
        ("TRIP sub005 fdr004 90s", .trip(substation: 4, feeder: 3, durationMs: 90_000)),
        ("restore SUB002 FDR001", .restore(substation: 1, feeder: 0)),
        ("excursion all -0.12 30", .excursion(substation: nil, offsetHz: -0.12, durationMs: 30_000)),
        ("excursion SUB003 0.05 2m", .excursion(substation: 2, offsetHz: 0.05, durationMs: 120_000)),
        ("silent SUB001", .silent(substation: 0, durationMs: nil)),
        ("silent 2 500ms", .silent(substation: 1, durationMs: 500)),
        ("resume SUB001", .resume(substation: 0)),
        ("exception SUB001 FDR002", .exception(substation: 0, registers: 20...27, code: 4, durationMs: nil)),
        ("exception SUB001 40-47 2 1h", .exception(substation: 0, registers: 40...47, code: 2, durationMs: 3_600_000)),
        ("exception SUB001 6 11", .exception(substation: 0, registers: 6...6, code: 11, durationMs: nil)),
        ("clear SUB004", .clear(substation: 3)),
        ("truth SUB001", .truth(substation: 0, atMs: nil)),
        ("truth SUB001 1795708108125", .truth(substation: 0, atMs: 1_795_708_108_125)),
        ("  status  ", .status),
        ("help", .help),
        ("quit", .quit),
    ])
    func parses(line: String, expected: SimCommand) throws {
        #expect(try parser.parse(line) == expected)
    }

    @Test(arguments: [
        ("", "empty"),
        ("reboot SUB001", "unknown command"),
        ("trip SUB006 FDR001", "unknown substation 'SUB006'"),
        ("trip SUB001 FDR005", "unknown feeder 'FDR005'"),
        ("trip SUB001", "usage: trip"),
        ("excursion all fast 30", "not an offset"),
        ("excursion all 9 30", "within ±5"),
        ("silent SUB001 -3", "not a duration"),
        ("exception SUB001 12-3", "range end"),
        ("exception SUB001 FDR001 99", "1…11"),
        ("truth SUB001 yesterday", "epoch milliseconds"),
    ])
    func rejects(line: String, fragment: String) {
        #expect {
            try parser.parse(line)
        } throws: { error in
            (error as? CommandError)?.message.contains(fragment) ?? false
        }
    }

    @Test func durations() throws {
        #expect(try CommandParser.duration("2.5") == 2_500)
        #expect(try CommandParser.duration("750ms") == 750)
        #expect(try CommandParser.duration("1h") == 3_600_000)
        #expect(throws: CommandError.self) { try CommandParser.duration("0") }
        #expect(throws: CommandError.self) { try CommandParser.duration("31d") }
    }
}
