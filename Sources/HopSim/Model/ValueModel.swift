import Foundation
import HopProtocol

/// The value model: what every sensor reads at every instant, as a pure function of the seed, the
/// substation, the feeder, the time step and the fault timeline. docs/sim.md explains the terms.
public struct ValueModel: Sendable {
    public var random: SimRandom
    /// Length of one time step; noise terms change once per step.
    public var stepMs: Int64
    /// Nominal bus voltage, kV.
    public var nominalKV: Double
    /// Whether unscripted, seeded interconnection-wide frequency excursions happen.
    public var naturalExcursions: Bool

    public init(seed: UInt64, stepMs: Int64 = 1_000, nominalKV: Double = 230, naturalExcursions: Bool = true) {
        self.random = SimRandom(seed: seed)
        self.stepMs = max(stepMs, 1)
        self.nominalKV = nominalKV
        self.naturalExcursions = naturalExcursions
    }

    /// The step an instant falls in.
    public func step(at t: Int64) -> Int64 {
        t >= 0 ? t / stepMs : (t - stepMs + 1) / stepMs
    }

    /// Grid frequency at the substation, Hz: shared interconnection terms + local noise + faults.
    public func frequency(site: Site, at t: Int64, faults: FaultTimeline) -> Double {
        let step = step(at: t)
        let seconds = Double(step * stepMs) / 1000
        let common = 0.012 * random.smooth(.commonFrequency, 0, 0, x: seconds / 120)
            + 0.003 * random.smooth(.commonFrequencyFast, 0, 0, x: seconds / 20)
            + 0.004 * random.gaussian(.commonFrequencyWhite, 0, 0, step)
        let local = 0.0015 * random.gaussian(.localFrequency, Int64(site.index), 0, step)
        let natural = naturalExcursions ? naturalExcursion(at: step * stepMs) : 0
        return 60 + common + local + natural + faults.frequencyOffset(substation: site.index, at: t)
    }

    /// One feeder's reading at `t`.
    public func reading(site: Site, feeder: Int, at t: Int64, faults: FaultTimeline) -> FeederReading {
        let step = step(at: t)
        let stepStart = step * stepMs
        let seconds = Double(stepStart) / 1000
        let s = Int64(site.index)
        let f = Int64(feeder)
        let hour = LoadCurve.localHour(epochMs: stepStart, longitude: site.longitude)
        let feederClass = self.feederClass(site: site, feeder: feeder)
        let curve = LoadCurve.fraction(localHour: hour, class: feederClass)
        // The bus sags with the whole substation's load, which follows the residential shape.
        let busLoad = LoadCurve.fraction(localHour: hour)

        let bus = nominalKV
            * (1.01 - 0.03 * (busLoad - 0.75) + 0.006 * random.smooth(.busVoltage, s, 0, x: seconds / 600))
        let voltage = bus * (1 + 0.0008 * random.gaussian(.voltageNoise, s, f, step))

        let rating = 700 + 500 * random.uniform(.feederRating, s, f)
        let powerFactor = 0.92 + 0.06 * random.uniform(.powerFactor, s, f)
        let load = curve
            * (1 + 0.04 * random.smooth(.loadSlow, s, f, x: seconds / 900)
                + 0.015 * random.smooth(.loadFast, s, f, x: seconds / 60)
                + 0.004 * random.gaussian(.loadJitter, s, f, step))

        let closed = faults.isBreakerClosed(substation: site.index, feeder: feeder, at: t)
        let current = closed ? max(rating * load, 0) : 0
        let power = closed ? 3.0.squareRoot() * voltage * current * powerFactor / 1000 : 0
        return FeederReading(
            feederID: Site.feederID(index: feeder), deviceID: site.deviceID(feeder: feeder),
            loadClass: feederClass, breakerClosed: closed, voltageKV: voltage, currentA: current, powerMW: power,
            frequencyHz: frequency(site: site, at: t, faults: faults))
    }

    /// What the feeder serves, fixed for the run: residential 1/2, commercial 3/10, industrial 1/5.
    public func feederClass(site: Site, feeder: Int) -> LoadCurve.FeederClass {
        let u = random.uniform(.feederClass, Int64(site.index), Int64(feeder))
        return u < 0.5 ? .residential : u < 0.8 ? .commercial : .industrial
    }

    /// Customers the feeder serves, fixed for the run: residential 1,200–4,000, commercial 150–600,
    /// industrial 5–40.
    public func customers(site: Site, feeder: Int) -> Int {
        let u = random.uniform(.customers, Int64(site.index), Int64(feeder))
        switch feederClass(site: site, feeder: feeder) {
        case .residential: return 1_200 + Int(2_800 * u)
        case .commercial: return 150 + Int(450 * u)
        case .industrial: return 5 + Int(35 * u)
        }
    }

    /// The whole substation at `t`.
    public func truth(site: Site, feeders: Int, at t: Int64, faults: FaultTimeline) -> SubstationTruth {
        SubstationTruth(
            substationID: site.substationID, siteName: site.name, latitude: site.latitude,
            longitude: site.longitude, unitID: site.unitID, atMs: t, step: step(at: t),
            silent: faults.isSilent(substation: site.index, at: t),
            frequencyHz: frequency(site: site, at: t, faults: faults),
            feeders: (0..<feeders).map { reading(site: site, feeder: $0, at: t, faults: faults) })
    }

    /// Seeded interconnection-wide excursions: each 20-minute block of the epoch has a 25 % chance
    /// of one, 20–90 s long, 0.025–0.07 Hz deep, four in five of them under-frequency.
    public func naturalExcursion(at t: Int64) -> Double {
        let blockMs: Int64 = 1_200_000
        let block = t >= 0 ? t / blockMs : (t - blockMs + 1) / blockMs
        guard random.uniform(.naturalExcursion, block, 0) < 0.25 else { return 0 }
        let start = block * blockMs + Int64(random.uniform(.naturalExcursion, block, 1) * Double(blockMs - 120_000))
        let duration = Int64(20_000 + 70_000 * random.uniform(.naturalExcursion, block, 2))
        let depth = 0.025 + 0.045 * random.uniform(.naturalExcursion, block, 3)
        let sign: Double = random.uniform(.naturalExcursion, block, 4) < 0.8 ? -1 : 1
        return FaultTimeline.trapezoid(height: sign * depth, start: start, durationMs: duration, at: t)
    }
}
