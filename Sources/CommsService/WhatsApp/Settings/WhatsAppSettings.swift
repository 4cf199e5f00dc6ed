import Foundation
import ServiceKit
import Wire

/// The WhatsApp channel's configuration (the `EVOLUTION_*`, `PUBLIC_URL` and `WHATSAPP_*` variables; table in
/// `docs/whatsapp.md`). A `var` in ``CommsServiceConfig`` so tests can shorten the pace window.
struct WhatsAppSettings: Sendable {
    /// `EVOLUTION_URL`: the platform's gateway (nil: projects must set their own).
    var platformURL: String?
    /// `EVOLUTION_API_KEY`: its `apikey`.
    var platformAPIKey: Secret<String>?
    /// `PUBLIC_URL` (default `http://localhost:8080`): the Router's public URL, the base of instances' webhooks.
    var publicURL = "http://localhost:8080"
    /// `WHATSAPP_JITTER_MS` (default `2000-7000`): the uniform wait between presence and text, in ms.
    var jitter: ClosedRange<Int> = 2000...7000
    /// `WHATSAPP_PACE_WINDOW_SECONDS` (1–60, default 60): the window in which an instance sends at most 10 texts
    /// (the contract's minute; tests shorten it).
    var paceWindow: TimeInterval = 60
    /// `WHATSAPP_LEASE_SECONDS` (10–3600, default 60): how long a claimed instance and message are reserved.
    var lease: Duration = .seconds(60)
    /// `WHATSAPP_POLL_INTERVAL_MS` (10–60000, default 500): how often the worker looks for due instances.
    var pollInterval: Duration = .milliseconds(500)
    /// `WHATSAPP_INSTANCES_PER_REPLICA` (1–10000, default 1000): instances one replica paces at once.
    var concurrentInstances = 1000
    /// How long a message may wait before it is `failed` (the contract's 24 h).
    var maxAge: Duration = .seconds(86_400)
    /// How long `THROTTLED` lasts.
    var throttleLength: TimeInterval = 3600
    /// Whether private targets are allowed for projects' gateways (`OUTBOUND_ALLOW_PRIVATE_NETWORKS`).
    var allowsPrivateNetworks = false

    /// Defaults (tests).
    init() {}

    /// Reads the variables, recording problems in `reader`.
    init(reading reader: inout EnvironmentReader, allowsPrivateNetworks: Bool) {
        self.allowsPrivateNetworks = allowsPrivateNetworks
        if let url = reader.string("EVOLUTION_URL"), !url.isEmpty {
            if (try? HTTPClientURL(url)) == nil {
                reader.record("EVOLUTION_URL", .malformed, expected: "an http:// or https:// URL of an Evolution API v2 gateway")
            }
            platformURL = url.hasSuffix("/") ? String(url.dropLast()) : url
        }
        if let key = reader.string("EVOLUTION_API_KEY"), !key.isEmpty { platformAPIKey = Secret(key) }
        if platformURL != nil, platformAPIKey == nil {
            reader.record("EVOLUTION_API_KEY", .missing, expected: "the gateway's apikey (required with EVOLUTION_URL)")
        }
        let publicURL = reader.string("PUBLIC_URL", default: publicURL)
        self.publicURL = publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
        if let text = reader.raw("WHATSAPP_JITTER_MS") {
            let parts = text.split(separator: "-").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            if parts.count == 2, parts[0] >= 0, parts[0] <= parts[1], parts[1] <= 60_000 {
                jitter = parts[0]...parts[1]
            } else {
                reader.record("WHATSAPP_JITTER_MS", .malformed, expected: "min-max milliseconds such as 2000-7000 (at most 60000)")
            }
        }
        paceWindow = TimeInterval(reader.integer("WHATSAPP_PACE_WINDOW_SECONDS", default: 60, range: 1...60))
        lease = .seconds(reader.integer("WHATSAPP_LEASE_SECONDS", default: 60, range: 10...3600))
        pollInterval = .milliseconds(reader.integer("WHATSAPP_POLL_INTERVAL_MS", default: 500, range: 10...60_000))
        concurrentInstances = reader.integer("WHATSAPP_INSTANCES_PER_REPLICA", default: 1000, range: 1...10_000)
    }
}
