import Contracts
import Foundation
import ServiceKit
import Synchronization
import Wire

/// The session ids Identity has revoked, learned by polling `identity.RevokedSessions` every 300 ms, so every
/// Router refuses a revoked session's access tokens within a second of the revocation.
///
/// Each id is kept until its `until` (when all its tokens have expired). The check fails closed: while no poll
/// has succeeded for `maximumStaleness` (3 s) — or none yet since start — ``status(of:now:)`` answers
/// ``Status/stale`` and the Router answers 503, since it could no longer promise the one-second revocation.
///
/// ```swift
/// switch denylist.status(of: claims.sid, now: Date()) {
/// case .allowed: break
/// case .revoked: throw RouterError.invalidToken
/// case .stale: throw RouterError.serviceUnavailable
/// }
/// ```
final class SessionDenylist: Service {
    /// One poll: the revocations after a cursor.
    typealias Fetch = @Sendable (_ cursor: Int64) async throws -> RevokedSessionsResponse

    /// What the list says about a session.
    enum Status: Sendable, Equatable {
        case allowed
        case revoked
        case stale
    }

    private struct State {
        var revoked: [String: Date] = [:]
        var cursor: Int64 = 0
        var lastSuccess: ContinuousClock.Instant?
        var failing = false
    }

    private let state = Mutex(State())
    private let fetch: Fetch?
    private let logger: Logger
    /// The time between polls.
    let pollInterval: Duration
    /// How old the last successful poll may be before checks answer ``Status/stale``.
    let maximumStaleness: Duration

    /// A denylist over `fetch`; nil `fetch` means identity is not configured.
    init(
        fetch: Fetch?, logger: Logger, pollInterval: Duration = .milliseconds(300),
        maximumStaleness: Duration = .seconds(3)
    ) {
        self.fetch = fetch
        self.logger = logger
        self.pollInterval = pollInterval
        self.maximumStaleness = maximumStaleness
    }

    /// A denylist polling the `identity` client of `services`, 1 s deadline per call.
    convenience init(services: any ServiceDirectory, logger: Logger) {
        var fetch: Fetch?
        if let client = services.client(for: .identity) {
            let identity = IdentityContract.Client(client)
            fetch = { cursor in
                try await identity.revokedSessions(
                    RevokedSessionsRequest(cursor: cursor),
                    CallContext(requestID: "router-revocations", deadline: .now + .seconds(1)))
            }
        }
        self.init(fetch: fetch, logger: logger)
    }

    /// Whether `sessionID` may be used at `now`.
    func status(of sessionID: String, now: Date) -> Status {
        let instant = ContinuousClock.now
        let staleness = self.maximumStaleness
        return self.state.withLock { state in
            guard let last = state.lastSuccess, instant - last <= staleness else { return .stale }
            if let until = state.revoked[sessionID], until > now { return .revoked }
            return .allowed
        }
    }

    /// How many ids are held (tests).
    var count: Int { self.state.withLock { $0.revoked.count } }

    /// Fetches every revocation after the cursor (page after page) and drops entries past their `until`.
    func poll() async throws {
        guard let fetch = self.fetch else { return }
        var cursor = self.state.withLock { $0.cursor }
        for _ in 0..<100 {
            let answer = try await fetch(cursor)
            let now = Date()
            self.state.withLock { state in
                for session in answer.sessions where session.until > now {
                    state.revoked[session.sessionID] = max(session.until, state.revoked[session.sessionID] ?? session.until)
                }
                state.cursor = answer.cursor
            }
            guard !answer.sessions.isEmpty, answer.cursor != cursor else { break }
            cursor = answer.cursor
        }
        let now = Date()
        let recovered = self.state.withLock { state in
            state.revoked = state.revoked.filter { $0.value > now }
            state.lastSuccess = .now
            defer { state.failing = false }
            return state.failing
        }
        if recovered { self.logger.info("session revocations poll recovered") }
    }

    /// Polls every `pollInterval` until shutdown.
    func run() async throws {
        guard self.fetch != nil else { return try await gracefulShutdown() }
        while !Task.isShuttingDownGracefully {
            do {
                try await self.poll()
            } catch {
                let first = self.state.withLock { state in
                    defer { state.failing = true }
                    return !state.failing
                }
                if first {
                    self.logger.warning("session revocations poll failed", metadata: [.errorType: .errorType(error)])
                }
            }
            do { try await Task.sleep(for: self.pollInterval) } catch { return }
        }
    }
}
