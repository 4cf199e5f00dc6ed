import Foundation
import ServiceKit

/// What `purrpurr up` keeps between runs in `.purrpurr/state.json` (mode 0600): the secrets it generated on the
/// first run and the demo project, so a second run reuses the data, the keys and the admin token.
///
/// Every secret is random (32 bytes from the system's CSPRNG). A variable in the environment overrides the stored
/// value for that run (``MeshLauncher`` decides); the file is never written with an override in it.
struct LocalState: Codable, Sendable, Equatable {
    /// Format version of the file.
    var version = 1
    /// `PURRPURR_ADMIN_TOKEN` for the Router (64 hex digits).
    var adminToken: String
    /// `API_KEY_PEPPER`: must stay the same, or every stored key stops verifying.
    var apiKeyPepper: String
    /// `IDENTITY_MASTER_KEY` (base64 of 32 bytes): seals signing keys; must never change.
    var identityMasterKey: String
    /// `COMMS_MASTER_KEY` (base64 of 32 bytes): seals projects' relay credentials; must never change.
    var commsMasterKey: String
    /// `WEBHOOK_SECRET_<SOURCE>` by lower-case source (`email`): Standard Webhooks secrets (`whsec_…`).
    var webhookSecrets: [String: String]
    /// The project `purrpurr up` created to try the API with, once the mesh first came up.
    var demoProject: DemoProject?

    /// A project and both of its keys, as the admin API returned them.
    struct DemoProject: Codable, Sendable, Equatable {
        var id: String
        var publishableKey: String
        var secretKey: String
    }

    /// Fresh secrets for a first run.
    static func generate() -> LocalState {
        func hex() -> String { SecureRandom.bytes(32).map { String(format: "%02x", $0) }.joined() }
        func base64() -> String { Data(SecureRandom.bytes(32)).base64EncodedString() }
        return LocalState(
            adminToken: hex(), apiKeyPepper: hex(), identityMasterKey: base64(), commsMasterKey: base64(),
            webhookSecrets: ["email": "whsec_" + base64()], demoProject: nil)
    }

    /// Reads `path`, or generates (and writes) fresh state when there is no file yet.
    /// - Throws: ``LauncherError`` when the file exists but is unreadable or malformed (it is never overwritten then:
    ///   it holds the keys that unlock the data).
    static func loadOrCreate(at path: String) throws -> LocalState {
        guard FileManager.default.fileExists(atPath: path) else {
            let state = generate()
            try state.save(to: path)
            return state
        }
        do {
            return try JSONDecoder().decode(LocalState.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw LauncherError(
                "\(path) is unreadable or malformed; it holds the keys of the local data, so it is left as it is "
                    + "(move it away, together with the postgres folder beside it, to start from scratch)")
        }
    }

    /// Writes the state atomically (temporary file, then rename) with owner-only permissions.
    func save(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let temporary = path + ".tmp"
        guard FileManager.default.createFile(
            atPath: temporary, contents: try encoder.encode(self), attributes: [.posixPermissions: 0o600]),
            rename(temporary, path) == 0
        else { throw LauncherError("could not write \(path)") }
    }
}
