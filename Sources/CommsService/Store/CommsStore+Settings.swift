import Contracts
import ServiceKit
import Wire

/// A project's stored email settings (the relay sealed).
struct StoredSettings: Sendable, Hashable {
    /// The project's relay URL, sealed with ``RelaySealer``; nil for the platform relay.
    var relaySealed: [UInt8]?
    /// The relay without its password, for display.
    var relayRedacted: String?
    /// The default sender.
    var defaultFrom: String?
    /// The unsubscribe URL.
    var unsubscribeURL: String?

    /// How the settings look to the project.
    var view: CommsSettingsView {
        CommsSettingsView(smtpURL: relayRedacted, defaultFrom: defaultFrom, unsubscribeURL: unsubscribeURL)
    }
}

extension CommsStore {
    /// The project's settings (all nil when it never set any).
    func settings(projectID: String) async throws -> StoredSettings {
        let rows = try await pool.query("""
            SELECT relay_sealed, relay_redacted, default_from, unsubscribe_url FROM \(table("settings"))
            WHERE project_id = $1
            """, [projectID])
        guard let row = rows.first else { return StoredSettings() }
        let (sealed, redacted, from, unsubscribe) = try row.decode(([UInt8]?, String?, String?, String?).self)
        return StoredSettings(relaySealed: sealed, relayRedacted: redacted, defaultFrom: from, unsubscribeURL: unsubscribe)
    }

    /// Replaces the project's settings.
    func saveSettings(_ settings: StoredSettings, projectID: String) async throws {
        try await pool.execute("""
            INSERT INTO \(table("settings")) (project_id, relay_sealed, relay_redacted, default_from, unsubscribe_url)
            VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (project_id) DO UPDATE SET relay_sealed = $2, relay_redacted = $3, default_from = $4,
                unsubscribe_url = $5, updated_at = clock_timestamp()
            """, [projectID, settings.relaySealed, settings.relayRedacted, settings.defaultFrom, settings.unsubscribeURL])
    }
}
