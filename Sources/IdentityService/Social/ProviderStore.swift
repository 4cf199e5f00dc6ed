import Contracts
import Foundation
import ServiceKit

/// The `oauth_providers` rows: per project and provider, the client id, the client secret sealed with
/// AES-256-GCM under the master key (`<project>/<provider>` as associated data, so a sealed secret copied to
/// another row does not open), whether it is enabled and the `oidc` issuer.
final class ProviderStore: Sendable {
    let database: PostgresPool
    let schema: String
    private let masterKey: [UInt8]

    /// One configured provider, its secret opened.
    struct Config: Sendable {
        let provider: SocialProvider
        let clientID: String
        let clientSecret: String
        let enabled: Bool
        let issuer: String?
    }

    /// Creates the store; `masterKey` must be 32 bytes.
    init(database: PostgresPool, schema: String, masterKey: [UInt8]) {
        self.database = database
        self.schema = schema
        self.masterKey = masterKey
    }

    /// Inserts or replaces the project's configuration of `provider`.
    func put(
        projectID: String, provider: SocialProvider, clientID: String, clientSecret: String, enabled: Bool,
        issuer: String?, now: Date
    ) async throws {
        let sealed = try AES256GCM.seal(
            Array(clientSecret.utf8), key: masterKey, authenticating: Self.associatedData(projectID, provider))
        try await database.execute("""
            INSERT INTO \(schema).oauth_providers (project_id, provider, client_id, sealed_secret, enabled, issuer, updated_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            ON CONFLICT (project_id, provider) DO UPDATE SET client_id = EXCLUDED.client_id,
                sealed_secret = EXCLUDED.sealed_secret, enabled = EXCLUDED.enabled, issuer = EXCLUDED.issuer,
                updated_at = EXCLUDED.updated_at
            """, [projectID, provider.rawValue, clientID, sealed, enabled, issuer, now])
    }

    /// The project's configuration of `provider`, if any.
    func config(projectID: String, provider: SocialProvider) async throws -> Config? {
        guard let row = try await database.query("""
            SELECT client_id, sealed_secret, enabled, issuer FROM \(schema).oauth_providers
            WHERE project_id = $1 AND provider = $2
            """, [projectID, provider.rawValue]).first
        else { return nil }
        let (clientID, sealed, enabled, issuer) = try row.decode((String, [UInt8], Bool, String?).self)
        let secret = try AES256GCM.open(sealed, key: masterKey, authenticating: Self.associatedData(projectID, provider))
        return Config(
            provider: provider, clientID: clientID, clientSecret: String(decoding: secret, as: UTF8.self),
            enabled: enabled, issuer: issuer)
    }

    private static func associatedData(_ projectID: String, _ provider: SocialProvider) -> [UInt8] {
        Array("\(projectID)/\(provider.rawValue)".utf8)
    }
}
