import Foundation
import ServiceKit
import Synchronization

/// Every API key the Router accepts, in memory and keyed by key id, so authenticating a request costs one
/// parse, one dictionary read and one HMAC: no database round trip.
///
/// ```swift
/// let registry = KeyRegistry(pepper: pepper)
/// registry.replaceAll(try await store.allKeys(), now: .now)  // at start, then periodically
/// switch registry.authenticate(headerValue, now: .now) {
/// case .valid(let record): context.projectID = record.projectID
/// case .invalid, .expired, .revoked: throw RouterError.invalidAPIKey  // 401 INVALID_API_KEY
/// }
/// ```
///
/// Updates come from a periodic full reload (``replaceAll(_:now:)``), from this replica's own writes
/// (``upsert(_:)``, ``apply(_:)``) and from `LISTEN/NOTIFY` (``revoke(id:at:)``). Revocation is sticky: a
/// reload built from a snapshot read before a revocation cannot bring the key back (see ``revoke(id:at:)``).
///
/// Thread-safe and read-mostly: one lock around a dictionary, held only for a lookup or a swap.
final class KeyRegistry: Sendable {
    /// The result of presenting a key.
    enum Authentication: Sendable, Hashable {
        /// The key is known, its secret matches, and it is neither revoked nor expired.
        case valid(KeyRecord)
        /// Malformed, bad checksum, unknown id, wrong secret or wrong kind prefix.
        case invalid
        /// A genuine key past its expiry (a rotated key after its grace period).
        case expired
        /// A genuine key that was revoked.
        case revoked
    }

    private struct State {
        var records: [String: KeyRecord] = [:]
        /// Revocations seen through ``revoke(id:at:)`` and not yet confirmed by a reload.
        var revocations: [String: Date] = [:]
    }

    /// How long an unconfirmed revocation is re-applied to reloads (a reload a few seconds later confirms it).
    static let revocationMemory: TimeInterval = 3600

    private let pepper: APIKeyPepper
    private let state = Mutex(State())
    /// Compared against when the id is unknown, so unknown and known ids cost the same HMAC.
    private let decoyHash = [UInt8](repeating: 0, count: 32)

    /// Creates a registry holding `records`, hashing presented secrets under `pepper`.
    init(pepper: APIKeyPepper, records: [KeyRecord] = []) {
        self.pepper = pepper
        state.withLock { state in
            for record in records { state.records[record.id] = record }
        }
    }

    /// Checks `presentedKey` (the raw `X-API-Key` value) at `now`.
    ///
    /// A malformed key or bad checksum is refused before the lock is taken. Otherwise the keyed hash of the
    /// presented secret is compared in constant time with the stored one (against a decoy when the id is
    /// unknown), and only a key whose secret matches can learn that it is expired or revoked.
    func authenticate(_ presentedKey: String, now: Date) -> Authentication {
        guard let key = try? APIKey.parse(presentedKey) else { return .invalid }
        let record = state.withLock { $0.records[key.id] }
        let presentedHash = key.keyedHash(pepper: pepper)
        let hashMatches = ConstantTime.equals(presentedHash, record?.hash ?? decoyHash)
        guard let record, hashMatches, record.kind == key.kind else { return .invalid }
        switch record.status(at: now) {
        case .active: return .valid(record)
        case .expired: return .expired
        case .revoked: return .revoked
        }
    }

    /// Replaces every record with `records` (a full reload from the database, read at about `now`).
    ///
    /// Revocations received through ``revoke(id:at:)`` that `records` does not show yet are kept, for
    /// ``revocationMemory`` after their time; once a reload shows the key revoked, or that time has passed,
    /// they are forgotten.
    func replaceAll(_ records: [KeyRecord], now: Date) {
        var fresh = [String: KeyRecord](minimumCapacity: records.count)
        for record in records { fresh[record.id] = record }
        state.withLock { state in
            state.revocations = state.revocations.filter { id, revokedAt in
                if fresh[id]?.revokedAt != nil { return false }
                return now.timeIntervalSince(revokedAt) <= Self.revocationMemory
            }
            for (id, revokedAt) in state.revocations {
                fresh[id]?.revokedAt = revokedAt
            }
            state.records = fresh
        }
    }

    /// Inserts or replaces one record (a key this replica just created or changed). A revocation already
    /// applied in memory is kept even when `record` does not show it.
    func upsert(_ record: KeyRecord) {
        state.withLock { state in
            state.records[record.id] = Self.merging(record, state: state)
        }
    }

    /// Stores both records of a rotation at once: the old key keeps working until its grace expiry.
    func apply(_ rotation: KeyRotation) {
        state.withLock { state in
            for record in [rotation.retiredRecord, rotation.replacementRecord] {
                state.records[record.id] = Self.merging(record, state: state)
            }
        }
    }

    /// Revokes key `id` as of `time` (from this replica's DELETE or another's `NOTIFY`). The earliest
    /// revocation time wins. Remembered even when the id is not known yet (the notification can arrive before
    /// the reload that brings the key), so no later reload or upsert can resurrect the key.
    /// Returns whether the key was in the registry.
    @discardableResult
    func revoke(id: String, at time: Date) -> Bool {
        state.withLock { state in
            let revokedAt = min(state.revocations[id] ?? time, time)
            state.revocations[id] = revokedAt
            guard var record = state.records[id] else { return false }
            record.revokedAt = min(record.revokedAt ?? revokedAt, revokedAt)
            state.records[id] = record
            return true
        }
    }

    /// The record of key `id`, if known.
    func record(id: String) -> KeyRecord? {
        state.withLock { $0.records[id] }
    }

    /// How many keys are held (including revoked and expired ones until a reload drops them).
    var count: Int { state.withLock { $0.records.count } }

    private static func merging(_ record: KeyRecord, state: State) -> KeyRecord {
        var merged = record
        let known = [record.revokedAt, state.records[record.id]?.revokedAt, state.revocations[record.id]]
        merged.revokedAt = known.compactMap { $0 }.min()
        return merged
    }
}
