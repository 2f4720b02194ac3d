import HummingbirdBcrypt
import NIOPosix

/// bcrypt hashing and checking on NIO's thread pool, never on an event loop (cost 12 is ~240 ms).
public struct PasswordHasher: Sendable {
    public var cost: Int

    public init(cost: Int) {
        self.cost = cost
    }

    public func hash(_ password: String) async throws -> String {
        let cost = UInt8(clamping: cost)
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    public func verify(_ password: String, hash: String) async throws -> Bool {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
    }
}
