import ServiceLifecycle

/// Runs `pass` every `interval` until graceful shutdown (or cancellation), first at once when
/// `startNow`, else after one interval; each pass gets what the previous one returned (`state`).
/// Shutdown ends the wait between passes, not a pass.
func repeatUntilShutdown<State: Sendable>(
    every interval: Duration, startNow: Bool, from state: State, _ pass: @escaping @Sendable (State) async -> State
) async {
    await cancelWhenGracefulShutdown {
        var state = startNow ? await pass(state) : state
        while !Task.isCancelled {
            // Cancellation (graceful shutdown) ends the sleep and the loop; it is not an error.
            try? await Task.sleep(for: interval)
            guard !Task.isCancelled else { return }
            state = await pass(state)
        }
    }
}

/// `repeatUntilShutdown` for passes without state.
func repeatUntilShutdown(every interval: Duration, startNow: Bool, _ pass: @escaping @Sendable () async -> Void) async {
    await repeatUntilShutdown(every: interval, startNow: startNow, from: ()) { _ in await pass() }
}
