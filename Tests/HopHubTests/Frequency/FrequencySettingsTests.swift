import Foundation
import HopProtocol
import Testing

@testable import HopHubCore

/// `frequency.*`: presets, overrides, and errors naming file, line and key.
@Suite struct FrequencySettingsTests {
    func configuration(_ yaml: String, environment: [String: String] = [:]) throws -> HubConfiguration {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("hub-\(UUID().uuidString).yaml").path
        try ("data_dir: /tmp/a\n" + yaml).write(toFile: path, atomically: true, encoding: .utf8)
        var values = ConfigValues()
        try values.merge(yamlFile: path)
        values.merge(environment: environment, prefix: "HOP_HUB_", knownKeys: HubConfiguration.keys)
        return try HubConfiguration(values: values)
    }

    @Test func theDefaultIsTheSeedBand() throws {
        let f = try configuration("").frequency
        #expect(f.preset == "seed" && f.nominalHz == 60 && f.bandLowHz == 59.85 && f.bandHighHz == 60.15)
        #expect(f.alarmLowHz == 59.85 && f.alarmHighHz == 60.15 && f.alarmsEnabled)
    }

    @Test func everyPresetIsConsistent() {
        for preset in FrequencyPreset.all {
            #expect(FrequencySettings(preset: preset).problem() == nil, "\(preset.name)")
            #expect(FrequencyPreset.named(preset.name) == preset)
        }
    }

    @Test func aPresetIsChosenAndItsNumbersOverridden() throws {
        let f = try configuration("frequency:\n  preset: great-britain\n  persistence_s: 30\n").frequency
        #expect(f.nominalHz == 50 && f.bandLowHz == 49.8 && f.alarmLowHz == 49.5 && f.uflsWarningHz == 48.8)
        #expect(f.persistenceSeconds == 30)
        let e = try configuration("frequency:\n  preset: eastern\n", environment: ["HOP_HUB_FREQUENCY_ROCOF_LIMIT_HZ_PER_S": "0.05"]).frequency
        #expect(e.bandLowHz == 59.946 && e.uflsWarningHz == 59.5 && e.rocofLimitHzPerS == 0.05)
    }

    @Test func aWidenedBandCarriesTheAlarmLimitsWithIt() throws {
        let f = try configuration("frequency:\n  band_low_hz: 59.8\n  band_high_hz: 60.2\n").frequency
        #expect(f.alarmLowHz == 59.8 && f.alarmHighHz == 60.2)
    }

    @Test(arguments: [
        ("frequency:\n  preset: texas\n", "frequency.preset", "not one of", 3),
        ("frequency:\n  alarm_low_hz: 59.9\n", "frequency.alarm_low_hz", "at or below", 3),
        ("frequency:\n  ufls_warning_hz: 59.9\n", "frequency.ufls_warning_hz", "below frequency.alarm_low_hz", 3),
        ("frequency:\n  preset: continental-europe\n  nominal_hz: 60\n", "frequency.nominal_hz", "inside the normal band", 4),
        ("frequency:\n  rocof_limit_hz_per_s: 0\n", "frequency.rocof_limit_hz_per_s", "outside", 3),
        ("frequency:\n  alarms: maybe\n", "frequency.alarms", "true or false", 3),
    ])
    func badValuesNameTheKey(yaml: String, key: String, problem: String, line: Int) throws {
        do {
            _ = try configuration(yaml)
            Issue.record("expected an error for \(key)")
        } catch let error as ConfigError {
            #expect(error.key == key && error.problem.contains(problem), "\(error)")
            #expect(error.origin.hasSuffix(":\(line)"), "\(error)")
        }
    }

    @Test func transitionsBecomeEventsWithSeverityAndStates() {
        let t = FrequencyTransition(
            substationID: SubstationID("SUB003"), condition: .excursionAlarm, kind: .started, direction: .low, ts: 40_000,
            since: 10_000, value: 59.8, extreme: 59.78, limit: 59.85)
        let e = FrequencyEventSink.event(t)
        #expect(e.ts == 40_000 && e.substationID == SubstationID("SUB003"))
        #expect(e.event.eventType == "FREQUENCY_EXCURSION" && e.event.severity == "ALARM")
        #expect(e.event.oldState == "NORMAL" && e.event.newState == "ALARM_LOW")
        #expect(e.event.message?.contains("59.800 Hz below the 59.850 Hz alarm limit for 30.0 s") == true, "\(e.event.message ?? "")")
        var end = t
        end.kind = .ended
        end.condition = .rocof
        end.direction = .high
        let r = FrequencyEventSink.event(end).event
        #expect(r.eventType == "ROCOF" && r.severity == "INFO" && r.oldState == "ROCOF_RISING" && r.newState == "NORMAL")
    }
}
