import Contracts
import Foundation
import ServiceKit
import Wire

/// The CommsService's configuration, read from the environment at start (the table is in `docs/comms.md`).
struct CommsServiceConfig: MeshServiceConfiguration {
    /// The shared variables (`LOG_LEVEL`, `DATABASE_URL`, `DRAIN_TIMEOUT_SECONDS`, the Wire listener on the
    /// registry's port unless `WIRE_PORT` says otherwise).
    let base: MeshServiceConfig
    /// `SMTP_URL` (required): the platform relay, `smtp://user:pass@host:port?tls=starttls|implicit|none`.
    let smtpRelay: SMTPRelay
    /// `SMTP_CA_PATH`: extra trust roots (PEM) for relays' TLS certificates; the system's when nil.
    let smtpCAPath: String?
    /// `COMMS_MASTER_KEY` (required): base64 of exactly 32 bytes; seals projects' relay credentials.
    let masterKey: Secret<[UInt8]>
    /// `COMMS_DEFAULT_FROM` (default `no-reply@<COMMS_MESSAGE_ID_DOMAIN>`): the sender when neither the request
    /// nor the project names one, so Identity's emails always have one.
    let defaultFrom: String?
    /// `COMMS_MESSAGE_ID_DOMAIN` (default `purrpurr.local`): the right side of every `Message-ID`.
    let messageIDDomain: String
    /// `COMMS_RETRY_SCHEDULE` (default `30s,2m,10m,1h,6h`).
    let retrySchedule: RetrySchedule
    /// `COMMS_PROJECT_RATE_PER_SECOND` (1–10000, default 10): each project's send rate per replica.
    let projectRatePerSecond: Int
    /// `SMTP_MAX_CONNECTIONS` (1–1000, default 16): SMTP connections open at once, all projects together.
    let smtpMaxConnections: Int
    /// `COMMS_WORKERS` (1–64, default 4): concurrent senders.
    let workers: Int
    /// `COMMS_LEASE_SECONDS` (5–86400, default 300): how long a claimed message is reserved for its worker.
    let lease: Duration
    /// `COMMS_POLL_INTERVAL_MS` (10–60000, default 1000): how often idle workers look for due messages
    /// without a `NOTIFY`.
    let pollInterval: Duration
    /// `COMMS_SEND_TIMEOUT_SECONDS` (1 to half the lease, default half the lease): the deadline of one
    /// attempt, everything included.
    let sendTimeout: Duration
    /// `COMMS_WORKERS_PER_PROJECT` (1–64, default 2): sends of one project at once, per replica.
    let workersPerProject: Int
    /// `COMMS_SENDS_PER_RELAY` (1–1000, default 4): sends to one project relay host:port at once, per replica.
    let sendsPerRelay: Int
    /// Guards projects' relays: ports 25, 465, 587, 2525; private targets only with
    /// `OUTBOUND_ALLOW_PRIVATE_NETWORKS=1`. A `var` so tests can allow their fixtures' ports.
    var relayGuard: OutboundGuard
    /// `COMMS_SPF_INCLUDE` (default `_spf.<COMMS_MESSAGE_ID_DOMAIN>`): the host every sender domain's SPF
    /// record includes (`v=spf1 include:<host> ~all`).
    let spfInclude: String
    /// `COMMS_DNS_RESOLVER` (default: the first `nameserver` of `/etc/resolv.conf`, else `127.0.0.1`): the
    /// resolver asked when a sender domain is verified, `ip` or `ip:port` (`[ipv6]:port`).
    let dnsResolver: DNSServerAddress
    /// `COMMS_DNS_TIMEOUT_MS` (100–30000, default 3000): how long one DNS lookup may take.
    let dnsTimeout: Duration
    /// The `WEBHOOK_*` variables: outbound webhook delivery (``WebhookSettings``). A `var` so tests can adjust.
    var webhooks: WebhookSettings
    /// `BILLING_WIRE_ENDPOINTS`: where the credit guard's settlements go (none: they wait).
    var billingEndpoints: [WireEndpoint] = []
    /// The WhatsApp channel's variables (``WhatsAppSettings``). A `var` so tests can adjust.
    var whatsapp = WhatsAppSettings()

    /// Reads and validates every variable, throwing a `ConfigurationError` naming all problems.
    init(environment: [String: String]) throws {
        var reader = EnvironmentReader(environment)
        let base = MeshServiceConfig(.comms, reading: &reader)
        let smtpExpected = "an smtp:// or smtps:// URL such as smtp://user:pass@host:587?tls=starttls"
        var smtpRelay: SMTPRelay?
        if let text = reader.requiredString("SMTP_URL", expected: smtpExpected) {
            smtpRelay = try? SMTPRelay(url: text)
            if smtpRelay == nil { reader.record("SMTP_URL", .malformed, expected: smtpExpected) }
        }
        let smtpCAPath = reader.raw("SMTP_CA_PATH") == nil
            ? nil : reader.existingFile("SMTP_CA_PATH", expected: "the path of a PEM file of trusted CA certificates")
        let masterKey = Self.masterKey(&reader)
        let messageIDDomain = reader.string("COMMS_MESSAGE_ID_DOMAIN", default: "purrpurr.local")
        if !Self.isDomain(messageIDDomain) {
            reader.record("COMMS_MESSAGE_ID_DOMAIN", .malformed, expected: "a domain name such as mail.example.com")
        }
        let explicitFrom = reader.string("COMMS_DEFAULT_FROM")
        let defaultFrom = explicitFrom ?? "no-reply@" + messageIDDomain
        if let explicitFrom, (try? MailAddress(parsing: explicitFrom, field: "from")) == nil {
            reader.record("COMMS_DEFAULT_FROM", .malformed, expected: "an email address such as Acme <no-reply@acme.com>")
        }
        var retrySchedule = RetrySchedule.standard
        if let text = reader.raw("COMMS_RETRY_SCHEDULE") {
            do {
                retrySchedule = try RetrySchedule(parsing: text)
            } catch {
                reader.record("COMMS_RETRY_SCHEDULE", .malformed,
                              expected: "1 to 20 comma-separated delays such as 30s,2m,10m,1h,6h (ms, s, m, h, d)")
            }
        }
        let rate = reader.integer("COMMS_PROJECT_RATE_PER_SECOND", default: 10, range: 1...10_000)
        let smtpMaxConnections = reader.integer("SMTP_MAX_CONNECTIONS", default: 16, range: 1...1000)
        let workers = reader.integer("COMMS_WORKERS", default: 4, range: 1...64)
        let leaseSeconds = reader.integer("COMMS_LEASE_SECONDS", default: 300, range: 5...86_400)
        let pollMilliseconds = reader.integer("COMMS_POLL_INTERVAL_MS", default: 1000, range: 10...60_000)
        let halfLease = max(1, leaseSeconds / 2)
        let sendTimeout = reader.integer("COMMS_SEND_TIMEOUT_SECONDS", default: halfLease, range: 1...halfLease)
        let workersPerProject = reader.integer("COMMS_WORKERS_PER_PROJECT", default: 2, range: 1...64)
        let sendsPerRelay = reader.integer("COMMS_SENDS_PER_RELAY", default: 4, range: 1...1000)
        let relayPolicy = OutboundPolicy(
            allowedPorts: OutboundPolicy.smtpRelayPorts,
            allowsPrivateNetworks: OutboundPolicy.allowsPrivateNetworks(reading: &reader))
        let spfInclude = reader.string("COMMS_SPF_INCLUDE", default: "_spf." + messageIDDomain)
        if reader.raw("COMMS_SPF_INCLUDE") != nil, !Self.isDomain(spfInclude, underscores: true) {
            reader.record("COMMS_SPF_INCLUDE", .malformed, expected: "a host name such as _spf.purrpurr.dev")
        }
        let dnsResolver = Self.dnsResolver(&reader)
        let dnsMilliseconds = reader.integer("COMMS_DNS_TIMEOUT_MS", default: 3000, range: 100...30_000)
        let webhooks = WebhookSettings(reading: &reader, allowsPrivateNetworks: relayPolicy.allowsPrivateNetworks)
        var billingEndpoints: [WireEndpoint] = []
        if let value = reader.raw(MeshService.billing.endpointsVariable) {
            let parsed = value.split(separator: ",", omittingEmptySubsequences: false).map {
                WireEndpoint(String($0.trimmingCharacters(in: .whitespaces)))
            }
            if parsed.contains(where: { $0 == nil }) {
                reader.record(MeshService.billing.endpointsVariable, .malformed, expected: "comma-separated host:port endpoints")
            }
            billingEndpoints = parsed.compactMap { $0 }
        }
        let whatsapp = WhatsAppSettings(reading: &reader, allowsPrivateNetworks: relayPolicy.allowsPrivateNetworks)
        try reader.finish()
        self.whatsapp = whatsapp
        self.billingEndpoints = billingEndpoints
        // The unwraps cannot fail: finish() throws whenever a required getter returned nil.
        self.base = base!
        self.smtpRelay = smtpRelay!
        self.smtpCAPath = smtpCAPath
        self.masterKey = masterKey!
        self.defaultFrom = defaultFrom
        self.messageIDDomain = messageIDDomain
        self.retrySchedule = retrySchedule
        self.projectRatePerSecond = rate
        self.smtpMaxConnections = smtpMaxConnections
        self.workers = workers
        self.lease = .seconds(leaseSeconds)
        self.pollInterval = .milliseconds(pollMilliseconds)
        self.relayGuard = OutboundGuard(policy: relayPolicy)
        self.sendTimeout = .seconds(sendTimeout)
        self.workersPerProject = workersPerProject
        self.sendsPerRelay = sendsPerRelay
        self.spfInclude = spfInclude
        self.dnsResolver = dnsResolver
        self.dnsTimeout = .milliseconds(dnsMilliseconds)
        self.webhooks = webhooks
    }

    /// The outbox's settings from this configuration.
    var outboxSettings: OutboxSettings {
        OutboxSettings(
            workers: workers, lease: lease, pollInterval: pollInterval, retrySchedule: retrySchedule,
            projectRatePerSecond: Double(projectRatePerSecond), sendTimeout: sendTimeout,
            workersPerProject: workersPerProject, sendsPerRelay: sendsPerRelay)
    }

    /// `COMMS_MASTER_KEY`: standard or URL-safe base64 of exactly 32 bytes. The value is never named.
    private static func masterKey(_ reader: inout EnvironmentReader) -> Secret<[UInt8]>? {
        let expected = "base64 of exactly 32 random bytes (openssl rand -base64 32)"
        guard let text = reader.requiredString("COMMS_MASTER_KEY", expected: expected) else { return nil }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let bytes = Data(base64Encoded: trimmed).map(Array.init)
            ?? Base64URL.decode(trimmed.trimmingCharacters(in: CharacterSet(charactersIn: "=")))
        guard let bytes, bytes.count == AES256GCM.keyByteCount else {
            reader.record("COMMS_MASTER_KEY", .malformed, expected: expected)
            return nil
        }
        return Secret(bytes)
    }

    /// `COMMS_DNS_RESOLVER`, else the system's first nameserver, else `127.0.0.1:53`.
    private static func dnsResolver(_ reader: inout EnvironmentReader) -> DNSServerAddress {
        let fallback = DNSServerAddress(parsing: "127.0.0.1")!
        guard let text = reader.raw("COMMS_DNS_RESOLVER") else {
            let system = (try? String(contentsOfFile: "/etc/resolv.conf", encoding: .utf8)) ?? ""
            return DNSServerAddress.firstNameserver(inResolvConf: system) ?? fallback
        }
        guard let address = DNSServerAddress(parsing: text) else {
            reader.record("COMMS_DNS_RESOLVER", .malformed, expected: "an IP address with an optional port, such as 127.0.0.1:53 or [::1]:53")
            return fallback
        }
        return address
    }

    /// Letters, digits, `.` and `-` (and `_` when `underscores`, as in `_spf.example.com`), 1–253 octets.
    private static func isDomain(_ text: String, underscores: Bool = false) -> Bool {
        !text.isEmpty && text.utf8.count <= 253
            && text.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic
                || ("0"..."9").contains($0) || $0 == "." || $0 == "-" || (underscores && $0 == "_")) }
    }
}
