import Foundation
import ServiceKit

extension APIKey {
    /// A freshly minted key: the full text to show once, and what to store (never the text itself).
    ///
    /// `description` names the id and kind only.
    struct Generated: Sendable, CustomStringConvertible, CustomReflectable {
        /// The whole key (`psk_…`). Shown to the caller once, then forgotten; never logged or stored.
        let key: String
        /// The public key id.
        let id: String
        /// Publishable or secret.
        let kind: Kind
        /// `ppk_<id>` / `psk_<id>`, for lists.
        let prefix: String
        /// HMAC-SHA256(pepper, secret part): the only form of the secret that is stored.
        let hash: [UInt8]

        /// The id and kind, never the key.
        var description: String { "APIKey.Generated(id: \(id), kind: \(kind.rawValue))" }

        /// Id, kind and prefix only, so `dump` and reflection cannot reach the key.
        var customMirror: Mirror {
            Mirror(self, children: ["id": id, "kind": kind, "prefix": prefix], displayStyle: .struct)
        }

        /// The registry record of this key for `projectID`.
        func record(projectID: String, createdAt: Date, expiresAt: Date? = nil) -> KeyRecord {
            KeyRecord(id: id, projectID: projectID, kind: kind, hash: hash, createdAt: createdAt, expiresAt: expiresAt)
        }
    }

    /// Mints a new key of `kind`: a random 12-character id and 32 random bytes of secret, with its checksum.
    ///
    /// ```swift
    /// let minted = APIKey.generate(kind: .secret, pepper: pepper)
    /// try await store.insert(minted.record(projectID: project.id, createdAt: now))
    /// return ["id": minted.id, "kind": "secret", "key": minted.key]
    /// ```
    static func generate(kind: Kind, pepper: APIKeyPepper) -> Generated {
        let id = Base62.randomDigits(idLength) { SecureRandom.bytes($0) }
        let secret = Base62.encode(bigEndian: SecureRandom.bytes(secretByteCount), width: secretLength)
        let body = "\(prefix(kind: kind, id: id))_\(secret)"
        let checksum = Base62.encode(CRC32.checksum(body.utf8), width: checksumLength)
        let key = APIKey(kind: kind, id: id, secret: secret)
        return Generated(
            key: body + checksum, id: id, kind: kind, prefix: key.prefix, hash: key.keyedHash(pepper: pepper))
    }
}
