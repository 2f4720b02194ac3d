import HopProtocol

/// Decides which substation an event or outage belongs to, for seed clients that send none.
///
/// 1. An explicit `substation_id` wins.
/// 2. A key scoped to exactly one substation gives that one.
/// 3. An event's `device_id` of the seed's form `SUB001-FDR002` gives `SUB001`.
/// 4. Otherwise none: only a key with all substations may write such a record, and only callers
///    with all substations see it.
package enum RecordOwnership {
    package static func substation(of event: GridEvent, key: Principal) -> SubstationID? {
        if let explicit = event.substationID { return explicit }
        if let single = key.substations.single { return single }
        if let device = event.deviceID?.rawValue, let dash = device.firstIndex(of: "-"), dash != device.startIndex {
            return SubstationID(String(device[..<dash]))
        }
        return nil
    }

    package static func substation(of outage: Outage, key: Principal) -> SubstationID? {
        outage.substationID ?? key.substations.single
    }
}
