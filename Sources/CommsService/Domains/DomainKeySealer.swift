import ServiceKit

/// Seals a sender domain's DKIM private keys (RSA as DER, Ed25519 as its seed) at rest with AES-256-GCM under
/// the master key (`COMMS_MASTER_KEY`, as ``RelaySealer`` does for relay credentials), authenticating the key's
/// kind and the project and domain ids, so a sealed key copied to another row or column does not open.
struct DomainKeySealer: Sendable {
    private let key: Secret<[UInt8]>

    /// Creates a sealer; `key` must be 32 bytes (the configuration checks it).
    init(key: Secret<[UInt8]>) { self.key = key }

    /// `nonce ‖ ciphertext ‖ tag` of `privateKey`'s DER for the domain `domainID` of `projectID`.
    func seal(_ privateKey: RSAPrivateKey, projectID: String, domainID: String) throws -> [UInt8] {
        try seal(privateKey.derRepresentation, kind: "dkim", projectID: projectID, domainID: domainID)
    }

    /// `nonce ‖ ciphertext ‖ tag` of the Ed25519 seed for the domain.
    func seal(_ privateKey: Ed25519PrivateKey, projectID: String, domainID: String) throws -> [UInt8] {
        try seal(privateKey.rawRepresentation, kind: "dkim-ed25519", projectID: projectID, domainID: domainID)
    }

    /// The RSA key sealed for that domain. Throws `CryptoError` for a wrong key, row or altered bytes.
    func open(_ sealed: [UInt8], projectID: String, domainID: String) throws -> RSAPrivateKey {
        var der = try open(sealed, kind: "dkim", projectID: projectID, domainID: domainID)
        defer { wipe(&der) }
        return try RSAPrivateKey(derRepresentation: der)
    }

    /// The Ed25519 key sealed for that domain.
    func openEd25519(_ sealed: [UInt8], projectID: String, domainID: String) throws -> Ed25519PrivateKey {
        var seed = try open(sealed, kind: "dkim-ed25519", projectID: projectID, domainID: domainID)
        defer { wipe(&seed) }
        return try Ed25519PrivateKey(rawRepresentation: seed)
    }

    private func seal(_ secret: [UInt8], kind: String, projectID: String, domainID: String) throws -> [UInt8] {
        var secret = secret
        defer { wipe(&secret) }
        return try AES256GCM.seal(secret, key: key.value, authenticating: Array("\(kind):\(projectID):\(domainID)".utf8))
    }

    private func open(_ sealed: [UInt8], kind: String, projectID: String, domainID: String) throws -> [UInt8] {
        try AES256GCM.open(sealed, key: key.value, authenticating: Array("\(kind):\(projectID):\(domainID)".utf8))
    }

    private func wipe(_ bytes: inout [UInt8]) {
        for index in bytes.indices { bytes[index] = 0 }
    }
}
