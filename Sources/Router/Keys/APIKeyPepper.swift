import ServiceKit

/// The server-side key of the keyed hash under which API-key secrets are stored (from configuration).
///
/// Without it, a copy of the key table is useless: the stored value is HMAC-SHA256(pepper, secret).
/// Changing the pepper invalidates every stored key, so it is set once per deployment.
///
/// ```swift
/// guard let pepper = APIKeyPepper(bytes: Array(config.apiKeyPepper.value.utf8)) else { … }
/// ```
///
/// `description` is always `***`.
struct APIKeyPepper: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The least number of bytes accepted.
    static let minimumByteCount = 32

    /// The key bytes.
    let bytes: [UInt8]
    /// The same key prepared for HMAC once (every keyed request hashes under it).
    let prepared: HMACSHA256.Key

    /// Wraps `bytes`, or returns nil when fewer than ``minimumByteCount`` bytes are given.
    init?(bytes: [UInt8]) {
        guard bytes.count >= Self.minimumByteCount else { return nil }
        self.bytes = bytes
        self.prepared = HMACSHA256.Key(bytes)
    }

    /// Always `***`.
    var description: String { "***" }
    /// Always `***`.
    var debugDescription: String { "***" }
    /// A mirror without children, so `dump` and reflection cannot reach the bytes.
    var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}
