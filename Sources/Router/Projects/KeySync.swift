import Foundation
import ServiceKit

/// Keeps a replica's in-memory keys and budgets fresh, and flushes `last_used_at`.
///
/// - `NOTIFY` on ``KeyStore/channel(schema:)`` (payload: a key id) reloads that key at once, so a revocation
///   or a new key reaches every replica well within a second; on the project channel, that project's budget.
/// - After the listener reconnects (notifications may have been missed) and every ``reloadInterval``: a full
///   reload of keys and budgets (the safety net).
/// - Every ``flushInterval``: the uses noted by ``KeyUsageRecorder`` are written in one batch.
///
/// ```swift
/// let sync = KeySync(keys: keyStore, projects: projectStore, registry: registry, limits: limits,
///                    usage: usage, listener: listener, logger: logger)
/// try await sync.reloadAll()        // before serving
/// services.append(sync)             // runs until shutdown, then flushes once more
/// ```
struct KeySync: Service {
    /// The key table.
    let keys: KeyStore
    /// The project table.
    let projects: ProjectStore
    /// The replica's keys.
    let registry: KeyRegistry
    /// The replica's budgets.
    let limits: ProjectLimits
    /// Uses waiting to be written.
    let usage: KeyUsageRecorder
    /// The `LISTEN` connection.
    let listener: PostgresListener
    /// Where problems are reported (codes only).
    let logger: Logger
    /// The safety-net full reload period.
    var reloadInterval: Duration = .seconds(30)
    /// The `last_used_at` flush period.
    var flushInterval: Duration = .seconds(5)

    /// Loads every key and budget.
    func reloadAll() async throws {
        let now = Date()
        let records = try await keys.all()
        registry.replaceAll(records, now: now)
        limits.replaceAll(try await projects.all())
    }

    /// Reloads key `id` (after a `NOTIFY`).
    func reloadKey(id: String) async throws {
        guard let record = try await keys.key(id: id) else {
            // Deleted with its project (an onboarding undone): refuse it from now on.
            registry.revoke(id: id, at: Date())
            return
        }
        registry.upsert(record)
        if let revokedAt = record.revokedAt { registry.revoke(id: id, at: revokedAt) }
    }

    /// Writes the pending uses; puts them back when the write fails.
    func flushUsage() async {
        let batch = usage.drain()
        guard !batch.isEmpty else { return }
        do { try await keys.updateLastUsed(batch) } catch {
            usage.restore(batch)
            logger.warning("key usage flush failed", metadata: [.errorType: .errorType(error)])
        }
    }

    /// Runs the listener, the periodic reload and the flusher until shutdown or cancellation.
    func run() async throws {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.listen() }
            group.addTask { await self.every(self.reloadInterval) { try await self.reloadAll() } }
            group.addTask { await self.every(self.flushInterval) { await self.flushUsage() } }
            group.addTask {
                try? await gracefulShutdown()
                self.listener.stop()
            }
            await group.next()
            group.cancelAll()
        }
        listener.stop()
        await flushUsage()
    }

    private func listen() async {
        let keyChannel = KeyStore.channel(schema: keys.schema)
        for await event in listener.events {
            do {
                switch event {
                case .listening: break
                case .reconnected: try await reloadAll()
                case .notification(let note) where note.channel == keyChannel: try await reloadKey(id: note.payload)
                case .notification(let note):
                    if let project = try await projects.project(id: note.payload) {
                        limits.set(project)
                    }
                case .connectionLost(let error):
                    logger.warning("key listener lost", metadata: [.errorCode: .string("\(error.code)")])
                }
            } catch {
                logger.warning("key reload failed", metadata: [.errorType: .errorType(error)])
            }
            if Task.isCancelled { return }
        }
    }

    private func every(_ interval: Duration, _ work: @Sendable () async throws -> Void) async {
        while !Task.isCancelled {
            do { try await Task.sleep(for: interval) } catch { return }
            do { try await work() } catch {
                logger.warning("key reload failed", metadata: [.errorType: .errorType(error)])
            }
        }
    }
}
