import HopDNP3

/// How the master talks to one DNP3 outstation: link addresses, poll schedule, unsolicited
/// reporting and time synchronisation. Defaults are set in `init`; `edge-configs/sample.yaml`
/// documents every key.
public struct DNP3Settings: Sendable, Hashable {
    /// This master's link address (0…65519).
    public var masterAddress: UInt16
    /// The outstation's link address (0…65519).
    public var outstationAddress: UInt16
    /// Integrity poll (classes 1, 2, 3 and 0) interval; also done at start-up, after every reconnect
    /// and whenever the outstation reports DEVICE_RESTART.
    public var integrityInterval: Duration
    /// Event poll interval per event class; a class missing here is not polled on its own.
    public var eventPolls: [PointClass: Duration]
    /// Ask the outstation to report events unsolicited (ENABLE_UNSOLICITED after the integrity poll).
    public var unsolicited: Bool
    /// Event objects asked for in explicit variations ahead of the class objects in every event and
    /// integrity poll, e.g. g2v2 and g32v7 to get events with the outstation's time.
    public var eventVariations: [ObjectID]
    /// Write the time (g50v1) when the outstation reports NEED_TIME.
    public var timeSync: Bool

    public init(
        masterAddress: UInt16 = 1, outstationAddress: UInt16, integrityInterval: Duration = .seconds(3600),
        eventPolls: [PointClass: Duration] = [.class1: .seconds(1), .class2: .seconds(5), .class3: .seconds(60)],
        unsolicited: Bool = false, eventVariations: [ObjectID] = [], timeSync: Bool = true
    ) {
        self.masterAddress = masterAddress
        self.outstationAddress = outstationAddress
        self.integrityInterval = integrityInterval
        self.eventPolls = eventPolls
        self.unsolicited = unsolicited
        self.eventVariations = eventVariations
        self.timeSync = timeSync
    }
}

/// A group and variation, written `g32v7`.
public struct ObjectID: Sendable, Hashable, CustomStringConvertible {
    public var group: UInt8
    public var variation: UInt8

    public init(group: UInt8, variation: UInt8) {
        self.group = group
        self.variation = variation
    }

    /// Parses `g2v2`; `nil` when the text is not of that form.
    public init?(_ text: String) {
        let parts = text.lowercased().split(separator: "v")
        guard parts.count == 2, parts[0].hasPrefix("g"), let g = UInt8(parts[0].dropFirst()), let v = UInt8(parts[1]) else {
            return nil
        }
        group = g
        variation = v
    }

    public var description: String { "g\(group)v\(variation)" }
}
