import Contracts
import Foundation
import ServiceKit
import Synchronization
import Testing
import Wire
@testable import Router

@Suite("Identity key cache, session denylist, bearer header")
struct IdentityRefreshTests {
    fileprivate static func keySet(_ keys: [(String, Ed25519PrivateKey, Date?)]) -> SigningKeySet {
        SigningKeySet(issuer: "iss", keys: keys.map {
            PublicSigningKey(kid: $0.0, algorithm: "EdDSA", publicKey: $0.1.publicKey.rawRepresentation, retiresAt: $0.2)
        })
    }

    @Test func concurrentRefreshesShareOneFetchAndAreRateLimited() async throws {
        let calls = Mutex(0)
        let key = Ed25519PrivateKey()
        let cache = IdentityKeyCache(fetch: {
            calls.withLock { $0 += 1 }
            try await Task.sleep(for: .milliseconds(100))
            return Self.keySet([("k1", key, nil)])
        }, logger: Logger(handler: InMemoryLogHandler()), minimumInterval: .seconds(5))
        #expect(cache.current == nil)
        let results = await withTaskGroup(of: Set<String>?.self) { group in
            for _ in 0..<20 { group.addTask { await cache.refresh()?.kids } }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.allSatisfy { $0 == ["k1"] })
        #expect(calls.withLock { $0 } == 1)
        // Within the interval: no fetch, the current verifier at once.
        #expect(await cache.refresh()?.kids == ["k1"])
        #expect(calls.withLock { $0 } == 1)
        // The scheduled refresh is not limited.
        await cache.refresh(force: true)
        #expect(calls.withLock { $0 } == 2)
    }

    @Test func failedFetchKeepsThePreviousKeysAndRetiredOrForeignKeysAreDropped() async throws {
        let fail = Mutex(false)
        let current = Ed25519PrivateKey()
        let cache = IdentityKeyCache(fetch: {
            if fail.withLock({ $0 }) { throw WireError(.unavailable, "down") }
            var set = Self.keySet([("k1", current, nil), ("old", Ed25519PrivateKey(), Date() - 1), ("next", current, Date() + 60)])
            set.keys.append(PublicSigningKey(kid: "es", algorithm: "ES256", publicKey: [1, 2, 3], retiresAt: nil))
            return set
        }, logger: Logger(handler: InMemoryLogHandler()), minimumInterval: .zero)
        #expect(await cache.refresh()?.kids == ["k1", "next"])
        fail.withLock { $0 = true }
        #expect(await cache.refresh()?.kids == ["k1", "next"])
        #expect(cache.fetchCount == 2)
    }

    @Test func notConfigured() async {
        let cache = IdentityKeyCache(fetch: nil, logger: Logger(handler: InMemoryLogHandler()))
        #expect(!cache.isConfigured)
        #expect(await cache.refresh() == nil)
    }

    @Test func denylistLearnsKeepsUntilAndFailsClosedWhenStale() async throws {
        let revoked = Mutex<[RevokedSession]>([])
        let fail = Mutex(false)
        let list = SessionDenylist(fetch: { cursor in
            if fail.withLock({ $0 }) { throw WireError(.unavailable, "down") }
            let all = revoked.withLock { $0 }
            return RevokedSessionsResponse(sessions: Array(all.dropFirst(Int(cursor))), cursor: Int64(all.count))
        }, logger: Logger(handler: InMemoryLogHandler()), maximumStaleness: .milliseconds(200))
        #expect(list.status(of: "a", now: Date()) == .stale)  // never polled
        try await list.poll()
        #expect(list.status(of: "a", now: Date()) == .allowed)
        revoked.withLock {
            $0.append(RevokedSession(sessionID: "a", until: Date() + 60))
            $0.append(RevokedSession(sessionID: "gone", until: Date() - 1))
        }
        try await list.poll()
        #expect(list.status(of: "a", now: Date()) == .revoked)
        #expect(list.status(of: "a", now: Date() + 120) == .allowed)  // its tokens have all expired by then
        #expect(list.count == 1)
        fail.withLock { $0 = true }
        await #expect(throws: WireError.self) { try await list.poll() }
        try await Task.sleep(for: .milliseconds(300))
        #expect(list.status(of: "b", now: Date()) == .stale)
    }

    @Test func bearerHeaderParsing() {
        #expect(BearerAuthenticator.bearerToken("Bearer abc") == "abc")
        #expect(BearerAuthenticator.bearerToken("bearer  abc") == "abc")
        #expect(BearerAuthenticator.bearerToken("BEARER abc") == "abc")
        for bad in [nil, "", "Bearer", "Bearer ", "Bearer  ", "Basic abc", "Bearer a b", "Bearerabc"] {
            #expect(BearerAuthenticator.bearerToken(bad) == nil)
        }
    }
}
