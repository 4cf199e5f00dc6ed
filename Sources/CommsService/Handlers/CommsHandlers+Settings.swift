import Contracts
import ServiceKit
import Wire

extension CommsHandlers {
    /// `comms.UpdateSettings`: nil keeps a setting, an empty string clears it. The relay URL is checked
    /// with ``ProjectRelayRules`` (scheme, TLS, port, address), sealed under the master key and stored with its redacted form for display.
    func updateSettings(_ request: UpdateCommsSettingsRequest, projectID: String) async throws -> CommsSettingsView {
        var settings = try await store.settings(projectID: projectID)
        if let url = request.smtpURL {
            if url.isEmpty {
                settings.relaySealed = nil
                settings.relayRedacted = nil
            } else {
                let relay = try await relayRules.validate(url)
                settings.relaySealed = try sealer.seal(url, projectID: projectID)
                settings.relayRedacted = relay.redactedURL
            }
        }
        if let from = request.defaultFrom {
            if from.isEmpty {
                settings.defaultFrom = nil
            } else {
                try await senders.check(try MailAddress(parsing: from, field: "default_from"), projectID: projectID, field: "default_from")
                settings.defaultFrom = from
            }
        }
        if let url = request.unsubscribeURL {
            guard url.isEmpty || Self.isUnsubscribeURL(url) else {
                throw PublicError.validation("unsubscribe_url", "The unsubscribe URL must be an https:// or http:// URL of at most 900 printable ASCII characters.")
            }
            settings.unsubscribeURL = url.isEmpty ? nil : url
        }
        try await store.saveSettings(settings, projectID: projectID)
        acceptor.settings.drop(projectID: projectID)
        return settings.view
    }

    private static func isUnsubscribeURL(_ url: String) -> Bool {
        let bytes = Array(url.utf8)
        let lower = url.lowercased()
        return bytes.count <= 900 && (lower.hasPrefix("https://") || lower.hasPrefix("http://"))
            && bytes.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "<") && $0 != UInt8(ascii: ">") }
    }
}
