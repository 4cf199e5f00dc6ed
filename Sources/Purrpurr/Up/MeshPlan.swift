import Contracts

/// Computes every process's environment for the local mesh: the one place that knows which variables each
/// service needs, shared by `purrpurr up` and the mesh tests.
///
/// Precedence, per variable: the launcher's **defaults** (generated secrets, the mail catcher's `SMTP_URL`,
/// `LOG_LEVEL=info`, …) < the **environment** `purrpurr up` was started with (so `SMTP_URL`, `PURRPURR_ADMIN_TOKEN`,
/// `WEBHOOK_SECRET_<SOURCE>`, `RATE_LIMIT_PER_SECOND`, `IDENTITY_SCRYPT_N`, … all override) < what the launcher must
/// **control** for the mesh to hang together (`DATABASE_URL` per service, ports, `MESH_*` certificate paths,
/// `<SERVICE>_WIRE_ENDPOINTS`).
struct MeshPlan: Sendable {
    /// Where the built executables are.
    var binaryDirectory: String
    /// Where `ca.pem`, `<service>.crt` and `<service>.key` are.
    var certificatesDirectory: String
    /// Where each process's log goes (`<name>.log`).
    var logsDirectory: String
    /// `DATABASE_URL` by process name (`router` and each service's name).
    var databaseURLs: [String: String]
    /// Wire port by service.
    var wirePorts: [MeshService: Int]
    /// One public HTTP port per Router replica (0 = any free port).
    var routerPorts: [Int]
    /// The relay Comms sends through when the environment has no `SMTP_URL` (the mail catcher), if any.
    var defaultSMTPURL: String?
    /// The stored secrets.
    var state: LocalState
    /// The environment `purrpurr up` runs in (its values override the defaults).
    var environment: [String: String]
    /// Extra variables per service name, applied last (tests use it for short poll intervals).
    var extra: [String: [String: String]] = [:]

    /// The admin token the Routers get (the environment's `PURRPURR_ADMIN_TOKEN` wins over the stored one).
    var adminToken: String { environment["PURRPURR_ADMIN_TOKEN"].nonEmpty ?? state.adminToken }

    /// The webhook secrets the Routers get: the stored ones plus any `WEBHOOK_SECRET_<SOURCE>` of the environment.
    var webhookSecrets: [String: String] {
        var secrets = state.webhookSecrets
        for (name, value) in environment where name.hasPrefix("WEBHOOK_SECRET_") && !value.isEmpty {
            secrets[String(name.dropFirst("WEBHOOK_SECRET_".count)).lowercased()] = value
        }
        return secrets
    }

    /// Every process in start order: the services (the registry's order), then the Router replicas (`router`,
    /// `router-2`, …).
    func processes() -> [MeshProcessSpec] {
        var specs = MeshService.allCases.map { service in
            MeshProcessSpec(
                name: service.name, executable: "\(binaryDirectory)/\(service.executable)",
                environment: compose(
                    defaults: common.merging(service.localDefaults(state: state, smtpURL: defaultSMTPURL)) { $1 },
                    controlled: controlled(for: service), extra: extra[service.name]),
                logPath: "\(logsDirectory)/\(service.name).log", httpPort: nil)
        }
        for (index, port) in routerPorts.enumerated() {
            let name = index == 0 ? "router" : "router-\(index + 1)"
            var controlled = routerControlled
            controlled["PURRPURR_HTTP_PORT"] = String(port)
            // Replicas after the first always take a free metrics port (they share the host).
            if index > 0 { controlled["METRICS_PORT"] = "0" }
            specs.append(MeshProcessSpec(
                name: name, executable: "\(binaryDirectory)/router",
                environment: compose(defaults: routerDefaults, controlled: controlled, extra: extra["router"]),
                logPath: "\(logsDirectory)/\(name).log", httpPort: port))
        }
        return specs
    }

    private func compose(
        defaults: [String: String], controlled: [String: String], extra: [String: String]?
    ) -> [String: String] {
        defaults
            .merging(environment.filter { !$0.value.isEmpty }) { $1 }
            .merging(controlled) { $1 }
            .merging(extra ?? [:]) { $1 }
    }

    /// What every process gets unless the environment says otherwise.
    private var common: [String: String] { ["LOG_LEVEL": "info", "DRAIN_TIMEOUT_SECONDS": "5"] }

    /// What the Routers get unless the environment says otherwise.
    private var routerDefaults: [String: String] {
        var values = common
        values["API_KEY_PEPPER"] = state.apiKeyPepper
        // A free metrics port (logged as `metrics.port`), so two meshes on one machine never clash; set
        // METRICS_PORT to choose it.
        values["METRICS_PORT"] = "0"
        values["PURRPURR_ADMIN_TOKEN"] = state.adminToken
        for (source, secret) in webhookSecrets { values["WEBHOOK_SECRET_" + source.uppercased()] = secret }
        return values
    }

    /// What the launcher decides for a service whatever the environment says: its database, certificate, Wire
    /// port, and the endpoints of the services it calls.
    private func controlled(for service: MeshService) -> [String: String] {
        var values = meshFiles(certificate: service.certificateName, database: service.name)
        values["WIRE_HOST"] = "127.0.0.1"
        values["WIRE_PORT"] = String(wirePorts[service] ?? 0)
        // A free metrics port (logged as `metrics.port`): the services (and two meshes) share the host.
        values["METRICS_PORT"] = "0"
        for callee in service.calls { values[callee.endpointsVariable] = endpoint(callee) }
        // Social login's redirect URI: the first Router's callback route.
        if service == .identity, let port = routerPorts.first { values["IDENTITY_OAUTH_CALLBACK_URL"] = "http://127.0.0.1:\(port)/v1/auth/callback" }
        return values
    }

    /// What the launcher decides for a Router whatever the environment says: every service's endpoints.
    private var routerControlled: [String: String] {
        var values = meshFiles(certificate: MeshService.routerCertificateName, database: "router")
        for service in MeshService.allCases { values[service.endpointsVariable] = endpoint(service) }
        values["PURRPURR_HTTP_HOST"] = environment["PURRPURR_HTTP_HOST"].nonEmpty ?? "127.0.0.1"
        return values
    }

    private func meshFiles(certificate: String, database: String) -> [String: String] {
        [
            "DATABASE_URL": databaseURLs[database] ?? "",
            "MESH_CA_PATH": "\(certificatesDirectory)/ca.pem",
            "MESH_CERT_PATH": "\(certificatesDirectory)/\(certificate).crt",
            "MESH_KEY_PATH": "\(certificatesDirectory)/\(certificate).key",
        ]
    }

    private func endpoint(_ service: MeshService) -> String { "127.0.0.1:\(wirePorts[service] ?? 0)" }
}

extension Optional where Wrapped == String {
    /// The string unless it is nil or empty (an empty variable counts as unset, as everywhere in the mesh).
    var nonEmpty: String? {
        guard let self, !self.isEmpty else { return nil }
        return self
    }
}
