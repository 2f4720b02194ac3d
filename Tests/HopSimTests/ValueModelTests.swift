import Foundation
import Testing

@testable import HopSim

@Suite struct ValueModelTests {
    let model = ValueModel(seed: 7)
    let site = SiteCatalog.site(index: 0)
    let t0: Int64 = 1_795_708_108_125  // 2026-11-26T15:48:28.125Z

    @Test func valuesArePureFunctionsOfSeedSiteFeederAndStep() {
        let a = model.reading(site: site, feeder: 1, at: t0, faults: FaultTimeline())
        let b = ValueModel(seed: 7).reading(site: site, feeder: 1, at: t0, faults: FaultTimeline())
        #expect(a == b)
        // Anywhere inside the same step: the same value.
        let stepStart = t0 / 1_000 * 1_000
        #expect(model.reading(site: site, feeder: 1, at: stepStart + 999, faults: FaultTimeline()) == a)
        // Another seed, another feeder or another step: different.
        #expect(ValueModel(seed: 8).reading(site: site, feeder: 1, at: t0, faults: FaultTimeline()) != a)
        #expect(model.reading(site: site, feeder: 2, at: t0, faults: FaultTimeline()).currentA != a.currentA)
        #expect(model.reading(site: site, feeder: 1, at: stepStart + 1_000, faults: FaultTimeline()) != a)
    }

    @Test func powerFollowsVoltageCurrentAndPowerFactor() {
        for hour in 0..<24 {
            let t = t0 + Int64(hour) * 3_600_000
            for feeder in 0..<4 {
                let r = model.reading(site: site, feeder: feeder, at: t, faults: FaultTimeline())
                let pf = r.powerMW / (3.0.squareRoot() * r.voltageKV * r.currentA / 1000)
                #expect((0.92...0.98).contains(pf))
                #expect((0.93 * 230...1.07 * 230).contains(r.voltageKV))
                #expect((59.9...60.1).contains(r.frequencyHz))
                #expect(r.breakerClosed)
            }
        }
    }

    @Test func trippedFeederCarriesNothingButKeepsBusVoltage() {
        var faults = FaultTimeline()
        faults.trip(substation: 0, feeder: 2, at: t0)
        let r = model.reading(site: site, feeder: 2, at: t0, faults: faults)
        #expect(!r.breakerClosed && r.currentA == 0 && r.powerMW == 0)
        #expect(r.voltageKV > 200)
        #expect(model.reading(site: site, feeder: 2, at: t0 - 1, faults: faults).currentA > 0)
    }

    @Test func frequencyIsSharedAcrossTheInterconnection() {
        let other = SiteCatalog.site(index: 3)
        var worst = 0.0
        var spread = (lo: 60.0, hi: 60.0)
        for s in 0..<600 {
            let t = t0 + Int64(s) * 1_000
            let f0 = model.frequency(site: site, at: t, faults: FaultTimeline())
            let f3 = model.frequency(site: other, at: t, faults: FaultTimeline())
            worst = max(worst, abs(f0 - f3))
            spread = (min(spread.lo, f0), max(spread.hi, f0))
        }
        #expect(worst < 0.015)
        // Ten minutes of frequency actually move (the common term), but stay near 60 Hz.
        #expect(spread.hi - spread.lo > 0.01)
        #expect(spread.lo > 59.85 && spread.hi < 60.15)
    }

    @Test func scriptedExcursionAddsItsOffsetOnThePlateau() {
        var faults = FaultTimeline()
        faults.excursion(substation: nil, offsetHz: -0.12, durationMs: 30_000, at: t0)
        let base = model.frequency(site: site, at: t0 + 10_000, faults: FaultTimeline())
        let moved = model.frequency(site: site, at: t0 + 10_000, faults: faults)
        #expect(abs((moved - base) - -0.12) < 1e-12)
        #expect(model.frequency(site: site, at: t0 + 30_000, faults: faults)
            == model.frequency(site: site, at: t0 + 30_000, faults: FaultTimeline()))
    }

    @Test func dailyLoadCurvesPerFeederClass() {
        #expect(LoadCurve.fraction(localHour: 18.5) > 0.9)
        #expect(LoadCurve.fraction(localHour: 3) < 0.6)
        #expect(LoadCurve.fraction(localHour: 8) > LoadCurve.fraction(localHour: 5))
        #expect(LoadCurve.fraction(localHour: 13.5, class: .commercial) > 0.9)
        #expect(LoadCurve.fraction(localHour: 2, class: .commercial) < 0.45)
        for h in stride(from: 0.0, to: 24, by: 0.5) {
            #expect((0.74...0.96).contains(LoadCurve.fraction(localHour: h, class: .industrial)))
        }
        // Every class appears among 60 feeders, roughly in the documented shares.
        let classes = (0..<15).flatMap { s in (0..<4).map { model.feederClass(site: SiteCatalog.site(index: s), feeder: $0) } }
        for c in LoadCurve.FeederClass.allCases { #expect(classes.contains(c)) }
        // Portland is ~8.2 h behind UTC in solar time.
        #expect(abs(LoadCurve.localHour(epochMs: 0, longitude: -122.6765) - (24 - 8.1784)) < 0.001)
    }

    @Test func naturalExcursionsAreRareBoundedAndCanBeTurnedOff() {
        var active = 0
        for s in stride(from: Int64(0), to: 86_400, by: 5) {
            let v = model.naturalExcursion(at: t0 + s * 1_000)
            #expect(abs(v) <= 0.07)
            if v != 0 { active += 1 }
        }
        #expect(active > 0 && active < 86_400 / 5 / 10)
        let calm = ValueModel(seed: 7, naturalExcursions: false)
        for s in stride(from: Int64(0), to: 86_400, by: 5) {
            let t = t0 + s * 1_000
            let noisy = model.frequency(site: site, at: t, faults: FaultTimeline())
            let plain = calm.frequency(site: site, at: t, faults: FaultTimeline())
            #expect(abs(noisy - plain - model.naturalExcursion(at: t / 1_000 * 1_000)) < 1e-12)
        }
    }
}
