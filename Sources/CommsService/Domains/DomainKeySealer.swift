import ServiceKit

/// Seals a sender domain's DKIM private key (DER) at rest with AES-256-GCM under the master key
/// (`COMMS_MASTER_KEY`, as ``RelaySealer`` does for relay credentials), authenticating the project and domain
/// ids, so a sealed key copied to another row does not open.
struct DomainKeySealer: Sendable {
    private let key: Secret<[UInt8]>

    /// Creates a sealer; `key` must be 32 bytes (the configuration checks it).
    init(key: Secret<[UInt8]>) { self.key = key }

    /// `nonce ‖ ciphertext ‖ tag` of `privateKey`'s DER for the domain `domainID` of `projectID`.
    func seal(_ privateKey: RSAPrivateKey, projectID: String, domainID: String) throws -> [UInt8] {
        var der = privateKey.derRepresentation
        defer { for index in der.indices { der[index] = 0 } }
        return try AES256GCM.seal(der, key: key.value, authenticating: Self.associatedData(projectID, domainID))
    }

    /// The key sealed for that domain. Throws `CryptoError` for a wrong key, row or altered bytes.
    func open(_ sealed: [UInt8], projectID: String, domainID: String) throws -> RSAPrivateKey {
        var der = try AES256GCM.open(sealed, key: key.value, authenticating: Self.associatedData(projectID, domainID))
        defer { for index in der.indices { der[index] = 0 } }
        return try RSAPrivateKey(derRepresentation: der)
    }

    private static func associatedData(_ projectID: String, _ domainID: String) -> [UInt8] {
        Array("dkim:\(projectID):\(domainID)".utf8)
    }
}
