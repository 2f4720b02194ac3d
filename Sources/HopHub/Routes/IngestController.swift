import HopHubCore
import HopHubSQLite
import Foundation
import HTTPTypes
import HopProtocol
import Hummingbird
import NIOCore

/// `POST /api/ingest/{telemetry,event,outage,batch}`: validate everything, authorize every
/// record's substation, then hand one atomic write to the group-commit writer. A refused request
/// stores nothing; a 2xx means the data is committed.
struct IngestController {
    let writer: IngestWriter
    let configuration: HubConfiguration
    let metrics: HubMetrics

    func addRoutes(to group: RouterGroup<HubRequestContext>) {
        group.post("telemetry", use: telemetry)
        group.post("event", use: event)
        group.post("outage", use: outage)
        group.post("batch", use: batch)
    }

    struct Stored: ResponseEncodable {
        var status = "ok"
        var stored: Int
    }

    private var singleBody: BodyReader {
        BodyReader(maxBytes: configuration.maxBodyBytes, maxDecompressedBytes: configuration.maxBodyBytes * 16, checksNesting: false)
    }

    private func validator(_ now: Int64) -> Validator {
        Validator(limits: configuration.validation, now: SourceTime(epochMilliseconds: now))
    }

    @Sendable func telemetry(_ request: Request, context: HubRequestContext) async throws -> Stored {
        let key = try context.requirePrincipal()
        try key.require(.ingest)
        let body = try await singleBody.read(request)
        let reading = try body.withUnsafeReadableBytes { FastBatchDecoder.telemetry($0) } ?? BodyReader.decode(Telemetry.self, from: body)
        let now = Self.now()
        do { try validator(now).validate(reading) } catch { throw HubError.validation(error) }
        try key.requireAccess(to: reading.substationID, action: "write")
        try await submit(IngestWrite(telemetry: [StoredTelemetry(reading, arrival: now)], arrival: now))
        metrics.ingested("telemetry", count: 1)
        return Stored(stored: 1)
    }

    @Sendable func event(_ request: Request, context: HubRequestContext) async throws -> Stored {
        let key = try context.requirePrincipal()
        try key.require(.ingest)
        let event = try BodyReader.decode(GridEvent.self, from: try await singleBody.read(request))
        let now = Self.now()
        do { try validator(now).validate(event) } catch { throw HubError.validation(error) }
        let stored = try resolve(event, key: key, arrival: now)
        try await submit(IngestWrite(events: [stored], arrival: now))
        metrics.ingested("event", count: 1)
        return Stored(stored: 1)
    }

    @Sendable func outage(_ request: Request, context: HubRequestContext) async throws -> Stored {
        let key = try context.requirePrincipal()
        try key.require(.ingest)
        let outage = try BodyReader.decode(Outage.self, from: try await singleBody.read(request))
        let now = Self.now()
        do { try validator(now).validate(outage) } catch { throw HubError.validation(error) }
        let stored = try resolve(outage, key: key, arrival: now)
        try await submit(IngestWrite(outages: [stored], arrival: now))
        metrics.ingested("outage", count: 1)
        return Stored(stored: 1)
    }

    @Sendable func batch(_ request: Request, context: HubRequestContext) async throws -> BatchReceipt {
        let key = try context.requirePrincipal()
        try key.require(.ingest)
        let reader = BodyReader(
            maxBytes: configuration.maxBatchBytes, maxDecompressedBytes: configuration.maxDecompressedBytes, checksNesting: false)
        let body = try await reader.read(request)
        // Fast path for the shapes edges send; anything unusual goes through JSONDecoder.
        let batch = try body.withUnsafeReadableBytes { FastBatchDecoder.batch($0) } ?? BodyReader.decode(Batch.self, from: body)
        let now = Self.now()
        do { try validator(now).validate(batch) } catch { throw HubError.validation(error) }
        for t in batch.telemetry { try key.requireAccess(to: t.substationID, action: "write") }
        let events = try batch.events.map { try resolve($0, key: key, arrival: now) }
        let outages = try batch.outages.map { try resolve($0, key: key, arrival: now) }
        for device in batch.health?.devices ?? [] { try key.requireAccess(to: device.substationID, action: "report health of") }
        let write = IngestWrite(
            edge: (batch.edgeID, batch.seq, key.name), telemetry: batch.telemetry.map { StoredTelemetry($0, arrival: now) },
            events: events, outages: outages, health: batch.health, arrival: now)
        let duplicate = try await submit(write)
        if duplicate {
            metrics.duplicateBatch()
        } else {
            metrics.ingested("telemetry", count: batch.telemetry.count)
            metrics.ingested("event", count: batch.events.count)
            metrics.ingested("outage", count: batch.outages.count)
        }
        return BatchReceipt(
            edgeID: batch.edgeID, seq: batch.seq, duplicate: duplicate, telemetry: duplicate ? 0 : batch.telemetry.count,
            events: duplicate ? 0 : batch.events.count, outages: duplicate ? 0 : batch.outages.count)
    }

    /// Returns whether the write was a duplicate batch.
    @discardableResult
    private func submit(_ write: IngestWrite) async throws -> Bool {
        switch try await writer.submit(write) {
        case .stored:
            return false
        case .duplicate: return true
        case .conflict(let reason): throw HubError(.conflict, reason, field: reason.hasPrefix("edge_id") ? "edge_id" : "outage_id")
        }
    }

    private func resolve(_ event: GridEvent, key: Principal, arrival: Int64) throws -> StoredEvent {
        let substation = RecordOwnership.substation(of: event, key: key)
        try key.requireAccess(to: substation, action: "write")
        return StoredEvent(ts: event.ts?.epochMilliseconds ?? arrival, substationID: substation, event: event)
    }

    private func resolve(_ outage: Outage, key: Principal, arrival: Int64) throws -> StoredOutage {
        let substation = RecordOwnership.substation(of: outage, key: key)
        try key.requireAccess(to: substation, action: "write")
        return StoredOutage(ts: outage.ts?.epochMilliseconds ?? arrival, substationID: substation, outage: outage)
    }

    static func now() -> Int64 { SourceTime.now().epochMilliseconds }
}

extension BatchReceipt: ResponseEncodable {}
