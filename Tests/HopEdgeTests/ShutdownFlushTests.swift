import Foundation
import HopProtocol
import Logging
import Testing

@testable import HopEdge

/// A hub that accepts every request and never answers; the transfer ends only when it is aborted.
struct SilentHub: HubClient {
    func postBatch(_ body: [UInt8], gzip: Bool) async throws(HubTransportError) -> HubResponse {
        do { try await Task.sleep(for: .seconds(3600)) } catch {}
        throw HubTransportError(url: "fake", message: "transfer aborted")
    }

    func probe() async throws(HubTransportError) -> Int {
        do { try await Task.sleep(for: .seconds(3600)) } catch {}
        throw HubTransportError(url: "fake", message: "transfer aborted")
    }
}

/// The SIGTERM flush is bounded by its deadline even while a request is in flight.
@Suite struct ShutdownFlushTests {
    func uploader(_ client: any HubClient, dir: URL, deadline: Duration) throws -> (Uploader, SQLiteJournal) {
        let journal = try SQLiteJournal(config: JournalConfig(path: dir.path + "/j.sqlite"))
        let config = UploadConfig(
            maxRecords: 10, maxBytes: 1 << 20, maxAge: .milliseconds(100), gzip: false, backoffInitial: .seconds(1),
            backoffMax: .seconds(8))
        let uploader = Uploader(
            edgeID: "edge-test", journal: journal, client: client, board: DeviceStatusBoard(), config: config,
            clock: SystemEdgeClock(), logger: Logger(label: "test"), flushDeadline: deadline)
        return (uploader, journal)
    }

    @Test(.timeLimit(.minutes(1)))
    func aHubThatNeverAnswersIsAbandonedAtTheDeadlineAndNothingIsLost() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (uploader, journal) = try uploader(SilentHub(), dir: dir, deadline: .milliseconds(300))
        try await journal.append((0..<25).map { JournalTests.reading($0) }, state: nil)
        await uploader.flush()  // before the deadline bounded the request in flight, this waited an hour
        #expect(await journal.counters().depth == 25)
    }

    @Test(.timeLimit(.minutes(1)))
    func aHubThatAnswersGetsEverythingWithinTheDeadline() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let hub = ScriptedHub([])
        let (uploader, journal) = try uploader(hub, dir: dir, deadline: .seconds(30))
        try await journal.append((0..<25).map { JournalTests.reading($0) }, state: nil)
        await uploader.flush()
        #expect(await journal.counters().depth == 0)
        #expect(await hub.received.count == 3)
    }
}

/// What a technician reads when a device's host name does not resolve.
@Suite struct ModbusConnectErrorTests {
    @Test func aHostThatDoesNotResolveIsNamedAsSuchNotAsARefusedConnection() throws {
        var device = simDevice()
        device.transport = .modbusTCP(host: "no-such-host.invalid", port: 1502)
        let connection = ModbusConnection(device: device)
        do {
            try connection.connect()
            Issue.record("connected to a host that does not exist")
        } catch {
            #expect(error.message.contains("cannot resolve host 'no-such-host.invalid'"), "\(error.message)")
            #expect(!error.message.contains("refused"))
        }
        #expect(ModbusConnection.resolutionProblem("127.0.0.1") == nil)
        #expect(ModbusConnection.resolutionProblem("localhost") == nil)
    }
}
