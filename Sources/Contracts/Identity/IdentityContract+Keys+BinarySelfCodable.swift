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
            if name.matches("issuer"), issuer == nil {
                issuer = reader.string()
                return issuer != nil
            }
            if name.matches("keys"), keys == nil {
                keys = reader.array { reader in PublicSigningKey.readWire(from: &reader) }
                return keys != nil
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
            if name.matches("kid"), kid == nil {
                kid = reader.string()
                return kid != nil
            }
            if name.matches("algorithm"), algorithm == nil {
                algorithm = reader.string()
                return algorithm != nil
            }
            if name.matches("publicKey"), publicKey == nil {
                publicKey = reader.bytes()
                return publicKey != nil
            }
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
