import ServiceKit

/// Encrypts a project's relay URL (which holds the SMTP password) at rest with AES-256-GCM under the
/// master key (`COMMS_MASTER_KEY`), authenticating the project id, so a sealed value copied to another
/// project's row does not open.
struct RelaySealer: Sendable {
    private let key: Secret<[UInt8]>

    /// Creates a sealer; `key` must be 32 bytes (the configuration checks it).
    init(key: Secret<[UInt8]>) {
        self.key = key
    }

    /// `nonce ‖ ciphertext ‖ tag` of `url` for `projectID`.
    func seal(_ url: String, projectID: String) throws -> [UInt8] {
        try AES256GCM.seal(url, key: key.value, authenticating: Array(projectID.utf8))
    }

    /// The URL sealed for `projectID`. Throws `CryptoError` for a wrong key, project or altered bytes.
    func open(_ sealed: [UInt8], projectID: String) throws -> Secret<String> {
        let plain = try AES256GCM.open(sealed, key: key.value, authenticating: Array(projectID.utf8))
        return Secret(String(decoding: plain, as: UTF8.self))
    }
}
