import ArgumentParser
import Foundation
import HopEdge
import Logging

/// Loads a config or exits 1 with the precise problem on stderr.
func loadConfig(_ path: String) throws -> EdgeConfig {
    do {
        return try ConfigLoader().load(path: path)
    } catch {
        FileHandle.standardError.write(Data("hop-edge: \(error)\n".utf8))
        throw ExitCode(1)
    }
}

/// A stderr logger at `level`.
func makeLogger(level: Logger.Level) -> Logger {
    LoggingSystem.bootstrap { label in
        var handler = StreamLogHandler.standardError(label: label)
        handler.logLevel = level
        return handler
    }
    return Logger(label: "hop-edge")
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
