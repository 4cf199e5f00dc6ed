import Contracts
import Foundation
import ServiceKit
import Wire

/// The Router's configuration, read from the environment at start (see `docs/configuration.md`).
struct RouterConfig: ServiceConfiguration {
    /// `LOG_LEVEL`.
    let logLevel: Logger.Level
    /// `DATABASE_URL`: the Router's PostgreSQL (API keys, rate limits, revocations).
    let databaseURL: Secret<URL>
    /// `DRAIN_TIMEOUT_SECONDS`.
    let drainTimeout: Duration
    /// `PURRPURR_HTTP_PORT`: the public HTTP port (0 picks a free one).
    let httpPort: Int
    /// `PURRPURR_HTTP_HOST`: the address the public HTTP server binds (default `127.0.0.1`).
    let httpHost: String
    /// `METRICS_HOST` / `METRICS_PORT`: the listener of `GET /metrics` (default `127.0.0.1:9464`; 0 picks a
    /// free port); never the public port.
    let metricsHost: String
    let metricsPort: Int
    /// `TRUSTED_PROXIES`: comma-separated CIDRs whose `X-Forwarded-For` is believed (default none).
    let trustedProxies: TrustedProxies
    /// `PURRPURR_ADMIN_TOKEN`: the operator's bearer token for admin endpoints.
    let adminToken: Secret<String>
    /// `API_KEY_PEPPER`: the key of the keyed hash under which API-key secrets are stored (≥ 32 characters).
    let apiKeyPepper: APIKeyPepper
    /// `TLS_CERT_PATH` + `TLS_KEY_PATH`: public HTTPS (both or neither); nil for plain HTTP.
    let tls: (certificatePath: String, keyPath: String)?
    /// `WEBHOOK_SECRET_<SOURCE>`: the inbound webhook secrets, keyed by lowercased source name.
    let webhookSecrets: [String: WebhookSecret]
    /// `STRIPE_WEBHOOK_SECRET`: the whole `whsec_…` of the Stripe endpoint (source `stripe`), or nil.
    var stripeWebhookSecret: String? = nil
    /// `RATE_LIMIT_PER_SECOND` / `RATE_LIMIT_BURST`: a project's budget unless set per project (100 / 200).
    let defaultRateLimit: RateLimit
    /// `MESH_CA_PATH` + `MESH_CERT_PATH` + `MESH_KEY_PATH`: the Router's mesh client certificate (all three or
    /// none; required when any `<SERVICE>_WIRE_ENDPOINTS` is set).
    let mesh: (trustRootsPath: String, certificateChainPath: String, privateKeyPath: String)?
    /// `<NAME>_WIRE_ENDPOINTS` for each service of the registry (``MeshService``): the configured ones, in
    /// the registry's order, each with its endpoints (`host:port`, comma-separated).
    let wireEndpoints: [(service: MeshService, endpoints: [WireEndpoint])]
    /// The onboarding variables (`CONSOLE_PROJECT_ID`, `SIGNUP_*`).
    let onboarding: OnboardingConfig

    /// The prefix of the inbound webhook secret variables.
    static let webhookSecretPrefix = "WEBHOOK_SECRET_"

    /// Reads and validates every variable, throwing a `ConfigurationError` naming all problems.
    init(environment: [String: String]) throws {
        var reader = EnvironmentReader(environment)
        let logLevel = reader.logLevel()
        let databaseURL = reader.databaseURL()
        let drainTimeout = reader.drainTimeout()
        let httpPort = reader.port("PURRPURR_HTTP_PORT", default: 8080)
        let httpHost = reader.string("PURRPURR_HTTP_HOST", default: "127.0.0.1")
        let metricsHost = reader.string("METRICS_HOST", default: "127.0.0.1")
        let metricsPort = reader.port("METRICS_PORT", default: 9464)
        let proxies = reader.raw("TRUSTED_PROXIES").map {
            $0.split(separator: ",").map { AddressRange($0.trimmingCharacters(in: .whitespaces)) }
        } ?? []
        if proxies.contains(where: { $0 == nil }) {
            reader.record("TRUSTED_PROXIES", .malformed, expected: "comma-separated CIDRs, e.g. 10.0.0.0/8,fd00::/8")
        }
        let adminToken = reader.secret("PURRPURR_ADMIN_TOKEN", minimumLength: 32)
        let pepper = reader.secret("API_KEY_PEPPER", minimumLength: APIKeyPepper.minimumByteCount)
        let certificatePath = reader.raw("TLS_CERT_PATH") == nil ? nil : reader.existingFile("TLS_CERT_PATH")
        let keyPath = reader.raw("TLS_KEY_PATH") == nil ? nil : reader.existingFile("TLS_KEY_PATH")
        if (reader.raw("TLS_CERT_PATH") == nil) != (reader.raw("TLS_KEY_PATH") == nil) {
            let missing = reader.raw("TLS_CERT_PATH") == nil ? "TLS_CERT_PATH" : "TLS_KEY_PATH"
            reader.record(missing, .missing, expected: "both TLS_CERT_PATH and TLS_KEY_PATH, or neither")
        }
        var secrets: [String: WebhookSecret] = [:]
        for name in environment.keys.sorted() where name.hasPrefix(Self.webhookSecretPrefix) {
            let source = String(name.dropFirst(Self.webhookSecretPrefix.count)).lowercased()
            guard fileprivateIsSourceName(source), let value = reader.raw(name), let secret = WebhookSecret(value)
            else {
                reader.record(name, .malformed, expected: "whsec_ followed by the base64 of 16 to 1024 bytes")
                continue
            }
            secrets[source] = secret
        }
        let perSecond = reader.integer("RATE_LIMIT_PER_SECOND", default: 100, range: 1...1_000_000)
        let burst = reader.integer("RATE_LIMIT_BURST", default: 200, range: 1...100_000)
        var wireEndpoints: [(service: MeshService, endpoints: [WireEndpoint])] = []
        for service in MeshService.allCases {
            let name = service.endpointsVariable
            guard let value = reader.raw(name) else { continue }
            let parsed = value.split(separator: ",", omittingEmptySubsequences: false).map {
                WireEndpoint(String($0.trimmingCharacters(in: .whitespaces)))
            }
            guard !parsed.contains(where: { $0 == nil }) else {
                reader.record(name, .malformed, expected: "comma-separated host:port endpoints")
                continue
            }
            wireEndpoints.append((service, parsed.compactMap { $0 }))
        }
        let meshVariables = ["MESH_CA_PATH", "MESH_CERT_PATH", "MESH_KEY_PATH"]
        let anyEndpoints = MeshService.allCases.contains { reader.raw($0.endpointsVariable) != nil }
        var mesh: (String, String, String)?
        if anyEndpoints || meshVariables.contains(where: { reader.raw($0) != nil }) {
            let why = anyEndpoints ? " (required with <SERVICE>_WIRE_ENDPOINTS)" : " (all three MESH_* or none)"
            let ca = reader.existingFile("MESH_CA_PATH", expected: "the path of the mesh CA certificate, PEM" + why)
            let certificate = reader.existingFile(
                "MESH_CERT_PATH", expected: "the path of the Router's mesh certificate chain, PEM" + why)
            let key = reader.existingFile("MESH_KEY_PATH", expected: "the path of the Router's mesh private key, PEM" + why)
            if let ca, let certificate, let key { mesh = (ca, certificate, key) }
        }
        let onboarding = OnboardingConfig(reader: &reader)
        let stripe = reader.raw("STRIPE_WEBHOOK_SECRET")
        if let stripe, !stripe.hasPrefix("whsec_") || stripe.utf8.count < 16 || stripe.utf8.count > 1024 {
            reader.record("STRIPE_WEBHOOK_SECRET", .malformed, expected: "the endpoint's signing secret, whsec_…")
        }
        try reader.finish()
        self.stripeWebhookSecret = stripe
        // The unwraps cannot fail: finish() throws whenever a required getter returned nil.
        self.logLevel = logLevel
        self.databaseURL = databaseURL!
        self.drainTimeout = drainTimeout
        self.httpPort = httpPort
        self.httpHost = httpHost
        self.metricsHost = metricsHost
        self.metricsPort = metricsPort
        self.trustedProxies = TrustedProxies(proxies.compactMap { $0 })
        self.adminToken = adminToken!
        self.apiKeyPepper = APIKeyPepper(bytes: Array(pepper!.value.utf8))!
        if let certificatePath, let keyPath { self.tls = (certificatePath, keyPath) } else { self.tls = nil }
        self.webhookSecrets = secrets
        self.defaultRateLimit = RateLimit(perSecond: Double(perSecond), burst: burst)
        self.mesh = mesh
        self.wireEndpoints = wireEndpoints
        self.onboarding = onboarding
    }
}

/// A source name: 1…32 of `[a-z0-9_]` (the path segment of `/v1/webhooks/inbound/{source}`).
fileprivate func fileprivateIsSourceName(_ source: String) -> Bool {
    (1...32).contains(source.utf8.count)
        && source.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F }
}
