import HopProtocol

/// The latest state of every device, shared by pollers (writers) and the uploader and metrics
/// (readers).
public actor DeviceStatusBoard {
    private var states: [String: DeviceState] = [:]
    private var order: [String] = []
    private var polls: [String: (ok: Int64, failed: Int64)] = [:]

    public init() {}

    public func update(_ state: DeviceState) {
        if states[state.name] == nil { order.append(state.name) }
        states[state.name] = state
    }

    /// Counts one poll of `device`.
    public func countPoll(_ device: String, ok: Bool) {
        var count = polls[device] ?? (0, 0)
        if ok { count.ok += 1 } else { count.failed += 1 }
        polls[device] = count
    }

    public func snapshot() -> [DeviceState] { order.compactMap { states[$0] } }

    public func pollCounts() -> [String: (ok: Int64, failed: Int64)] { polls }

    /// Per-device health as carried in every batch.
    public func health() -> [DeviceHealth] {
        snapshot().map {
            DeviceHealth(
                name: $0.name, substationID: $0.substationID, commState: $0.commState,
                lastPollLatencyMs: $0.lastPollLatencyMs, lastPollAt: $0.lastPollAt)
        }
    }
}
