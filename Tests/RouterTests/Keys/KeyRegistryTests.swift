import Foundation
import Testing
@testable import Router

@Suite("KeyRegistry")
struct KeyRegistryTests {
    fileprivate static let pepper = APIKeyPepper(bytes: Array(repeating: 7, count: 32))!
    fileprivate static let t0 = Date(timeIntervalSince1970: 1_700_000_000)

    fileprivate static func mint(
        _ project: String, kind: APIKey.Kind = .secret
    ) -> (key: String, record: KeyRecord) {
        let minted = APIKey.generate(kind: kind, pepper: pepper)
        return (minted.key, minted.record(projectID: project, createdAt: t0))
    }

    @Test("a stored key is valid and names its project; unknown and forged keys are invalid")
    func validAndUnknown() {
        let a = Self.mint("proj_a")
        let unknown = Self.mint("proj_a")
        let registry = KeyRegistry(pepper: Self.pepper, records: [a.record])
        #expect(registry.authenticate(a.key, now: Self.t0) == .valid(a.record))
        #expect(registry.authenticate(unknown.key, now: Self.t0) == .invalid)
        #expect(registry.authenticate("psk_nonsense", now: Self.t0) == .invalid)
        #expect(registry.authenticate("", now: Self.t0) == .invalid)
    }

    @Test("a right id with another secret (valid checksum) is invalid")
    func wrongSecret() throws {
        let a = Self.mint("proj_a")
        let registry = KeyRegistry(pepper: Self.pepper, records: [a.record])
        // Same id, fresh secret, recomputed checksum: shape is perfect, only the hash can refuse it.
        let other = APIKey.generate(kind: .secret, pepper: Self.pepper).key
        let body = "psk_\(a.record.id)_" + other.dropFirst(4 + APIKey.idLength + 1).prefix(APIKey.secretLength)
        let forged = body + APIKey.Base62.encode(APIKey.CRC32.checksum(body.utf8), width: APIKey.checksumLength)
        _ = try APIKey.parse(forged)
        #expect(registry.authenticate(forged, now: Self.t0) == .invalid)
    }

    @Test("a key with the wrong kind prefix is invalid even with the right secret")
    func kindMismatch() throws {
        let a = Self.mint("proj_a", kind: .secret)
        let registry = KeyRegistry(pepper: Self.pepper, records: [a.record])
        let body = "ppk" + a.key.dropFirst(3).prefix(APIKey.length - 3 - APIKey.checksumLength)
        let relabelled = body + APIKey.Base62.encode(APIKey.CRC32.checksum(body.utf8), width: APIKey.checksumLength)
        #expect(try APIKey.parse(relabelled).kind == .publishable)
        #expect(registry.authenticate(relabelled, now: Self.t0) == .invalid)
    }

    @Test("a key of project A never authenticates as project B")
    func isolation() {
        let a = Self.mint("proj_a")
        let b = Self.mint("proj_b")
        let registry = KeyRegistry(pepper: Self.pepper, records: [a.record, b.record])
        guard case .valid(let recordA) = registry.authenticate(a.key, now: Self.t0) else {
            Issue.record("key A refused")
            return
        }
        #expect(recordA.projectID == "proj_a")
        guard case .valid(let recordB) = registry.authenticate(b.key, now: Self.t0) else {
            Issue.record("key B refused")
            return
        }
        #expect(recordB.projectID == "proj_b")
        // B's record under A's id (a corrupted store) still cannot let A's key in: the hash is B's.
        var swapped = b.record
        swapped.id = a.record.id
        let confused = KeyRegistry(pepper: Self.pepper, records: [swapped])
        #expect(confused.authenticate(a.key, now: Self.t0) == .invalid)
    }

    @Test("revoked keys answer revoked, from the revocation time on")
    func revoked() {
        let a = Self.mint("proj_a")
        let registry = KeyRegistry(pepper: Self.pepper, records: [a.record])
        #expect(registry.revoke(id: a.record.id, at: Self.t0.addingTimeInterval(10)))
        #expect(registry.authenticate(a.key, now: Self.t0.addingTimeInterval(9)) != .revoked)
        #expect(registry.authenticate(a.key, now: Self.t0.addingTimeInterval(10)) == .revoked)
        #expect(registry.revoke(id: "unknown", at: Self.t0) == false)
    }

    @Test("a reload read before the revocation does not bring the key back")
    func revocationIsSticky() {
        let a = Self.mint("proj_a")
        let late = Self.mint("proj_a")
        let registry = KeyRegistry(pepper: Self.pepper, records: [a.record])
        registry.revoke(id: a.record.id, at: Self.t0)
        registry.revoke(id: late.record.id, at: Self.t0)  // NOTIFY before the key itself arrives
        let now = Self.t0.addingTimeInterval(5)
        registry.replaceAll([a.record, late.record], now: now)  // stale snapshot: neither shows the revocation
        #expect(registry.authenticate(a.key, now: now) == .revoked)
        #expect(registry.authenticate(late.key, now: now) == .revoked)
        registry.upsert(a.record)
        #expect(registry.authenticate(a.key, now: now) == .revoked)

        // A confirmed revocation is forgotten by the tombstones but stays in the record.
        var confirmed = a.record
        confirmed.revokedAt = Self.t0
        registry.replaceAll([confirmed], now: now)
        #expect(registry.authenticate(a.key, now: now) == .revoked)
        #expect(registry.count == 1)
    }

    @Test("replaceAll swaps the whole set")
    func replaceAll() {
        let a = Self.mint("proj_a")
        let b = Self.mint("proj_b")
        let registry = KeyRegistry(pepper: Self.pepper, records: [a.record])
        registry.replaceAll([b.record], now: Self.t0)
        #expect(registry.authenticate(a.key, now: Self.t0) == .invalid)
        #expect(registry.authenticate(b.key, now: Self.t0) == .valid(b.record))
        #expect(registry.record(id: b.record.id) == b.record)
    }

    @Test("a rotated key keeps working through its grace period, then expires; the new key works")
    func rotationGrace() throws {
        let old = Self.mint("proj_a")
        let registry = KeyRegistry(pepper: Self.pepper, records: [old.record])
        let now = Self.t0.addingTimeInterval(100)
        let rotation = try #require(KeyRotation(rotating: old.record, grace: 3600, now: now, pepper: Self.pepper))
        registry.apply(rotation)
        #expect(rotation.replaces == old.record.id)
        #expect(rotation.oldExpiresAt == now.addingTimeInterval(3600))
        #expect(rotation.replacementRecord.projectID == "proj_a")
        #expect(rotation.replacementRecord.kind == old.record.kind)

        #expect(registry.authenticate(old.key, now: now.addingTimeInterval(3599)) != .expired)
        #expect(registry.authenticate(old.key, now: now.addingTimeInterval(3600)) == .expired)
        #expect(registry.authenticate(rotation.replacement.key, now: now.addingTimeInterval(3600))
            == .valid(rotation.replacementRecord))
        #expect(KeyRotation(rotating: rotation.retiredRecord, grace: 60, now: now.addingTimeInterval(4000),
            pepper: Self.pepper) == nil)
    }

    @Test("grace is clamped; an earlier expiry is kept; revoked keys cannot be rotated")
    func rotationLimits() throws {
        let old = Self.mint("proj_a").record
        let long = try #require(KeyRotation(rotating: old, grace: 1e12, now: Self.t0, pepper: Self.pepper))
        #expect(long.oldExpiresAt == Self.t0.addingTimeInterval(KeyRotation.maximumGrace))
        let none = try #require(KeyRotation(rotating: old, grace: -5, now: Self.t0, pepper: Self.pepper))
        #expect(none.oldExpiresAt == Self.t0)

        var expiringSoon = old
        expiringSoon.expiresAt = Self.t0.addingTimeInterval(10)
        let kept = try #require(KeyRotation(rotating: expiringSoon, grace: 3600, now: Self.t0, pepper: Self.pepper))
        #expect(kept.oldExpiresAt == Self.t0.addingTimeInterval(10))

        var revoked = old
        revoked.revokedAt = Self.t0
        #expect(KeyRotation(rotating: revoked, grace: 3600, now: Self.t0, pepper: Self.pepper) == nil)
    }

    @Test("expiry and revocation both set: revoked wins")
    func statusOrder() {
        var record = Self.mint("proj_a").record
        record.expiresAt = Self.t0
        record.revokedAt = Self.t0
        #expect(record.status(at: Self.t0) == .revoked)
        #expect(record.status(at: Self.t0.addingTimeInterval(-1)) == .active)
    }

    @Test("concurrent reads and writes are safe")
    func concurrency() async {
        let keys = (0..<8).map { _ in Self.mint("proj_c") }
        let registry = KeyRegistry(pepper: Self.pepper, records: keys.map(\.record))
        await withTaskGroup(of: Int.self) { group in
            for worker in 0..<4 {
                group.addTask {
                    var valid = 0
                    for round in 0..<200 {
                        let pair = keys[(worker + round) % keys.count]
                        if case .valid = registry.authenticate(pair.key, now: Self.t0) { valid += 1 }
                        if round % 50 == 0 { registry.replaceAll(keys.map(\.record), now: Self.t0) }
                    }
                    return valid
                }
            }
            var total = 0
            for await count in group { total += count }
            #expect(total == 800)
        }
    }
}

