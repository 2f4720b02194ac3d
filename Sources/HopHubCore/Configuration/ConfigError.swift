import Foundation

/// A configuration problem, naming where the bad value came from (file and line, environment
/// variable or command-line flag), the key and what is wrong with it.
public struct ConfigError: Error, CustomStringConvertible, Sendable, Equatable {
    public var origin: String
    public var key: String
    public var problem: String

    public init(origin: String, key: String, problem: String) {
        self.origin = origin
        self.key = key
        self.problem = problem
    }

    public var description: String { "\(origin): \(key): \(problem)" }
}

extension ConfigError: LocalizedError {
    public var errorDescription: String? { "configuration error: \(description)" }
}
