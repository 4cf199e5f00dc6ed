import ServiceKit

/// Encrypts endpoints' signing keys at rest with AES-256-GCM under the master key (`COMMS_MASTER_KEY`, as
/// ``RelaySealer`` does for relay passwords), authenticating the endpoint id so a sealed key copied to another
/// endpoint's row does not open.
struct WebhookSecretSealer: Sendable {
    private let key: Secret<[UInt8]>

    /// Creates a sealer; `key` must be 32 bytes (the configuration checks it).
    init(key: Secret<[UInt8]>) {
        self.key = key
    }

    /// `nonce ‖ ciphertext ‖ tag` of the key bytes for `endpointID`.
    func seal(_ secret: WebhookSecret, endpointID: String) throws -> [UInt8] {
        try AES256GCM.seal(secret.bytes, key: key.value, authenticating: Self.label(endpointID))
    }

    /// The secret sealed for `endpointID`. Throws `CryptoError` for a wrong key, endpoint or altered bytes.
    func open(_ sealed: [UInt8], endpointID: String) throws -> WebhookSecret {
        let bytes = try AES256GCM.open(sealed, key: key.value, authenticating: Self.label(endpointID))
        guard let secret = WebhookSecret(bytes: bytes) else { throw CryptoError(.authenticationFailed) }
        return secret
    }

    private static func label(_ endpointID: String) -> [UInt8] { Array("webhook-secret:\(endpointID)".utf8) }
}
