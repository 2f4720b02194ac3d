import ArgumentParser
import HopEdge

/// `hop-edge`: the substation edge agent.
@main
struct HopEdgeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hop-edge",
        abstract: "Polls substation RTUs over Modbus, journals every reading, and uploads batches to a Hop hub.",
        version: HopEdgeVersion.current,
        subcommands: [RunCommand.self, CheckCommand.self, ProbeCommand.self, StatusCommand.self, RequeueCommand.self, BenchCommand.self])
}
