import Foundation

/// The outcome of rotating a key: a new key of the same project and kind, and the old key's record with its
/// grace-period expiry. Pure: the caller writes both records in one transaction, then ``KeyRegistry/apply(_:)``.
///
/// ```swift
/// guard let rotation = KeyRotation(rotating: old, grace: 86_400, now: now, pepper: pepper) else { 404 }
/// try await store.save([rotation.replacementRecord, rotation.retiredRecord])
/// registry.apply(rotation)
/// // 201 {"id": rotation.replacement.id, "kind", "key": rotation.replacement.key,
/// //      "replaces": rotation.replaces, "old_expires_at": rotation.oldExpiresAt}
/// ```
///
/// Until `oldExpiresAt` both keys authenticate; from then on the old one is ``KeyRegistry/Authentication/expired``.
struct KeyRotation: Sendable {
    /// The longest grace period granted (30 days); longer requests are clamped.
    static let maximumGrace: TimeInterval = 30 * 86_400

    /// The new key, shown once.
    let replacement: APIKey.Generated
    /// The new key's record.
    let replacementRecord: KeyRecord
    /// The old key's record, now expiring at ``oldExpiresAt``.
    let retiredRecord: KeyRecord

    /// The id of the key replaced.
    var replaces: String { retiredRecord.id }
    /// When the old key stops working.
    var oldExpiresAt: Date { retiredRecord.expiresAt ?? Date.distantFuture }

    /// Rotates `old` at `now`, keeping it valid for `grace` seconds (clamped to 0…``maximumGrace``; an earlier
    /// existing expiry is kept). Returns nil when `old` is already revoked or expired: there is nothing to rotate.
    init?(rotating old: KeyRecord, grace: TimeInterval, now: Date, pepper: APIKeyPepper) {
        guard old.status(at: now) == .active else { return nil }
        let clamped = grace.isNaN ? 0 : min(max(grace, 0), Self.maximumGrace)
        var retired = old
        let graceEnd = now.addingTimeInterval(clamped)
        retired.expiresAt = min(old.expiresAt ?? graceEnd, graceEnd)
        let minted = APIKey.generate(kind: old.kind, pepper: pepper)
        self.replacement = minted
        self.replacementRecord = minted.record(projectID: old.projectID, createdAt: now)
        self.retiredRecord = retired
    }
}
