import Foundation
import ServiceKit

/// The IdentityService's periodic chores, run beside the Wire server on every replica (each chore is
/// safe to run concurrently): rotate the signing key when due and reload it, clear sealed refresh
/// successors past the grace window, drop expired refresh tokens, ended sessions, finished revocations,
/// limit counters older than a day and keys no token can carry any more.
struct IdentityHousekeeping: Service {
    let app: IdentityServiceApp
    let interval: Duration

    /// Runs one round now, then one per `interval`, until the group asks for a graceful shutdown (or the
    /// task is cancelled); a round in progress finishes first.
    func run() async throws {
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                while !Task.isCancelled {
                    await runOnce()
                    try? await Task.sleep(for: interval)
                }
            }
            group.addTask { try? await gracefulShutdown() }
            await group.next()
            group.cancelAll()
        }
    }

    /// One round; a failing chore is logged (code only) and the others still run.
    func runOnce() async {
        let database = app.core.users.database
        let schema = app.core.users.schema
        let now = app.core.sessions.clock.now()
        let grace = app.rotation.grace
        let chores: [(String, @Sendable () async throws -> Void)] = [
            ("rotate signing key", { try await app.keys.rotateIfDue(); _ = try await app.keys.currentKey() }),
            ("prune signing keys", { try await app.keys.prune() }),
            ("clear refresh successors", {
                try await database.execute("""
                    UPDATE \(schema).refresh_tokens SET successor_sealed = NULL
                    WHERE successor_sealed IS NOT NULL AND spent_at < $1
                    """, [now.addingTimeInterval(-grace)])
            }),
            ("prune refresh tokens", {
                try await database.execute("DELETE FROM \(schema).refresh_tokens WHERE expires_at < $1", [now])
            }),
            ("prune ended sessions", {
                // Revoked sessions whose access tokens have all expired, and sessions without any refresh token left.
                try await database.execute("""
                    DELETE FROM \(schema).sessions s
                    WHERE (s.revoked_at IS NOT NULL AND s.access_expires_at < $1)
                       OR (s.access_expires_at < $1
                           AND NOT EXISTS (SELECT 1 FROM \(schema).refresh_tokens t WHERE t.session_id = s.id))
                    """, [now])
            }),
            ("prune revocations", { try await app.revoker.prune() }),
            ("prune limit hits", { try await WindowLimiter.prune(database: database, schema: schema) }),
            ("prune abandoned MFA enrollments", { try await app.mfa.factors.pruneUnverified(before: now) }),
            ("prune oauth flows and codes", { try await app.social.flows.prune(now: now) }),
        ]
        for (name, chore) in chores {
            do {
                try await chore()
            } catch {
                app.logger.warning("housekeeping failed", metadata: [
                    LogKey("housekeeping.chore"): .string(name), .errorType: .errorType(error),
                ])
            }
        }
    }
}
