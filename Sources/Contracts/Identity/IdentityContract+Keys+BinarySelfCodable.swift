import Foundation
import Wire

/// The jwks answer codes itself: the Router decodes it on every `GET /v1/auth/jwks` (one Wire call each).
/// Byte for byte the `Codable` form: `{issuer, keys: [{kid, algorithm, publicKey, retiresAt?}]}`.
extension SigningKeySet: BinarySelfCodable {
    /// Writes `issuer` then `keys`.
    public func writeWire(to writer: inout BinaryWireWriter) {
        writer.keyed { writer in
            writer.key("issuer")
            writer.string(self.issuer)
            writer.key("keys")
            writer.array(self.keys) { writer, key in key.writeWire(to: &writer) }
        }
    }

    /// Reads the two fields (each once), or nil.
    public static func readWire(from reader: inout BinaryWireReader) -> SigningKeySet? {
        var issuer: String?
        var keys: [PublicSigningKey]?
        let read = reader.keyed { reader, name in
            if name.matches("issuer") { return reader.field(&issuer) { $0.string() } }
            if name.matches("keys") {
                return reader.field(&keys) { $0.array { reader in PublicSigningKey.readWire(from: &reader) } }
            }
            return false
        }
        guard read, let issuer, let keys else { return nil }
        return SigningKeySet(issuer: issuer, keys: keys)
    }
}

extension PublicSigningKey: BinarySelfCodable {
    /// Writes `kid`, `algorithm`, `publicKey` and, unless nil, `retiresAt`.
    public func writeWire(to writer: inout BinaryWireWriter) {
        writer.keyed { writer in
            writer.key("kid")
            writer.string(self.kid)
            writer.key("algorithm")
            writer.string(self.algorithm)
            writer.key("publicKey")
            writer.bytes(self.publicKey)
            if let retiresAt = self.retiresAt {
                writer.key("retiresAt")
                writer.date(retiresAt)
            }
        }
    }

    /// Reads the fields (each once; `retiresAt` absent or nil is nil), or nil.
    public static func readWire(from reader: inout BinaryWireReader) -> PublicSigningKey? {
        var kid: String?
        var algorithm: String?
        var publicKey: [UInt8]?
        var retiresAt: Date?
        var sawRetiresAt = false
        let read = reader.keyed { reader, name in
            if name.matches("kid") { return reader.field(&kid) { $0.string() } }
            if name.matches("algorithm") { return reader.field(&algorithm) { $0.string() } }
            if name.matches("publicKey") { return reader.field(&publicKey) { $0.bytes() } }
            if name.matches("retiresAt"), !sawRetiresAt {
                sawRetiresAt = true
                if reader.null() { return true }
                retiresAt = reader.date()
                return retiresAt != nil
            }
            return false
        }
        guard read, let kid, let algorithm, let publicKey else { return nil }
        return PublicSigningKey(kid: kid, algorithm: algorithm, publicKey: publicKey, retiresAt: retiresAt)
    }
}
