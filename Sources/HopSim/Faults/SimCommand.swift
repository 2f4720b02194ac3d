/// One command of the control protocol, also the action of a scenario event.
/// docs/sim.md ("Control protocol") is the reference; `CommandParser` reads the text form.
public enum SimCommand: Sendable, Hashable {
    /// Open a feeder breaker; with a duration it recloses by itself.
    case trip(substation: Int, feeder: Int, durationMs: Int64?)
    /// Close a feeder breaker.
    case restore(substation: Int, feeder: Int)
    /// Add `offsetHz` to the frequency of one substation, or of all (`nil`), for a while.
    case excursion(substation: Int?, offsetHz: Double, durationMs: Int64)
    /// The RTU stops answering, for a while or until `resume`.
    case silent(substation: Int, durationMs: Int64?)
    /// The RTU answers again.
    case resume(substation: Int)
    /// Reads touching `registers` get Modbus exception `code`, for a while or until `clear`.
    case exception(substation: Int, registers: ClosedRange<Int>, code: UInt32, durationMs: Int64?)
    /// End every register exception of the substation.
    case clear(substation: Int)
    /// Print the ground truth of the substation (now, or at an epoch-ms instant) as JSON.
    case truth(substation: Int, atMs: Int64?)
    /// Print the run's configuration, clock and active faults as JSON.
    case status
    /// List the commands.
    case help
    /// Close this control connection.
    case quit

    /// Whether the command changes the simulated grid (and so may appear in a scenario).
    public var isFault: Bool {
        switch self {
        case .trip, .restore, .excursion, .silent, .resume, .exception, .clear: true
        case .truth, .status, .help, .quit: false
        }
    }

    /// The help text of the control protocol, one command per line.
    public static let helpText = """
        trip SUB001 FDR002 [DURATION]          open a breaker (recloses after DURATION if given)
        restore SUB001 FDR002                  close a breaker
        excursion SUB001|all HZ DURATION       add HZ (e.g. -0.12) to the frequency for DURATION
        silent SUB001 [DURATION]               the RTU stops answering (until resume if no DURATION)
        resume SUB001                          the RTU answers again
        exception SUB001 ADDR|A-B|FDR002 [CODE] [DURATION]  reads touching those holding registers get exception CODE (default 4)
        clear SUB001                           end the substation's register exceptions
        truth SUB001 [EPOCH_MS]                ground truth as one JSON line (now, or at EPOCH_MS)
        status                                 configuration, clock and active faults as JSON
        help                                   this text
        quit                                   close the connection
        DURATION: seconds (30, 2.5) or with a unit (500ms, 90s, 2m, 1h)
        """
}
