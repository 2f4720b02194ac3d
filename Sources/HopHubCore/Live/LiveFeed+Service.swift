import HopProtocol
import Logging
import ServiceLifecycle

/// The feed's loop: consume committed input, flush coalesced readings, send heartbeats, end streams
/// whose session ended or expired or whose API key was revoked or rotated, keep the stream registry
/// (several replicas) up to date. On graceful shutdown every stream is ended so the HTTP server can finish
/// its responses.
extension LiveFeed: Service {
    public func run() async throws {
        do {
            eventHighWater = try await lookups.newestEventID()
        } catch {
            logger.error("live feed could not read the newest event id", metadata: ["error": "\(error)"])
        }
        let tick = Duration.milliseconds(max(10, settings.coalesceMilliseconds / 2))
        let heartbeatEvery = Duration.seconds(settings.heartbeatSeconds)
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                group.addTask {
                    for await input in self.inputs { await self.process(input) }
                }
                group.addTask {
                    var lastHeartbeat = ContinuousClock.now
                    var lastExpiry = ContinuousClock.now
                    while !Task.isCancelled {
                        try? await Task.sleep(for: tick)
                        await self.flushReadings()
                        if ContinuousClock.now - lastExpiry >= .seconds(1) {
                            lastExpiry = .now
                            await self.endExpiredStreams(now: SourceTime.now().epochMilliseconds)
                            await self.syncRegistry(now: SourceTime.now().epochMilliseconds, refresh: false)
                        }
                        if ContinuousClock.now - lastHeartbeat >= heartbeatEvery {
                            lastHeartbeat = .now
                            await self.syncRegistry(now: SourceTime.now().epochMilliseconds, refresh: true)
                            await self.heartbeat()
                            await self.endStreamsOfRevokedKeys()
                            await self.endStreamsOfEndedSessions(now: SourceTime.now().epochMilliseconds)
                            await self.endAbandonedStreams(after: max(.seconds(60), heartbeatEvery * 4))
                        }
                    }
                }
            }
        }
        close()
        await syncRegistry(now: SourceTime.now().epochMilliseconds, refresh: false)
        logger.info("live feed stopped; streams ended")
    }
}
