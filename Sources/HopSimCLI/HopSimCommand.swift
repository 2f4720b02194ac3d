import ArgumentParser

/// `hop-sim`: simulated substation RTUs (`run`, the default) and a client for their control port
/// (`control`). Everything but option parsing lives in the HopSim library; docs/sim.md explains it.
@main
struct HopSimCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hop-sim",
        abstract: "Simulate substation RTUs (Modbus TCP) with scripted faults; see docs/sim.md.",
        discussion: "hop-sim [run] --listen 127.0.0.1:5020 --substations 5 … (options: hop-sim run --help)",
        subcommands: [RunCommand.self, ControlCommand.self],
        defaultSubcommand: RunCommand.self)
}
