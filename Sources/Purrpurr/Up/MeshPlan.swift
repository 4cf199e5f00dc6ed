/// Computes every process's environment for the local mesh: the one place that knows which variables each
/// service needs, shared by `purrpurr up` and the mesh tests.
///
/// Precedence, per variable: the launcher's **defaults** (generated secrets, the mail catcher's `SMTP_URL`,
/// `LOG_LEVEL=info`, …) < the **environment** `purrpurr up` was started with (so `SMTP_URL`, `PURRPURR_ADMIN_TOKEN`,
/// `WEBHOOK_SECRET_<SOURCE>`, `RATE_LIMIT_PER_SECOND`, `IDENTITY_SCRYPT_N`, … all override) < what the launcher must
/// **control** for the mesh to hang together (`DATABASE_URL` per service, ports, `MESH_*` certificate paths,
/// `<SERVICE>_WIRE_ENDPOINTS`).
struct MeshPlan: Sendable {
    /// The services started before the Routers, in start order (a service's dependencies come first). Vault and
    /// billing are still skeletons (migrations and Wire health), run so the mesh is whole and `/readyz` covers them.
    static let services = ["comms", "identity", "vault", "billing"]

    /// Where the built executables are.
    var binaryDirectory: String
    /// Where `ca.pem`, `<service>.crt` and `<service>.key` are.
    var certificatesDirectory: String
    /// Where each process's log goes (`<name>.log`).
    var logsDirectory: String
    /// `DATABASE_URL` by service (`router`, `identity`, `comms`).
    var databaseURLs: [String: String]
    /// Wire port by service.
    var wirePorts: [String: Int]
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

    /// Every process in start order: the services, then the Router replicas (`router`, `router-2`, …).
    func processes() -> [MeshProcessSpec] {
        var specs = Self.services.map { service in
            MeshProcessSpec(
                name: service, executable: "\(binaryDirectory)/\(service)-service",
                environment: compose(defaults: defaults(for: service), controlled: controlled(for: service), extra: extra[service]),
                logPath: "\(logsDirectory)/\(service).log", httpPort: nil)
        }
        for (index, port) in routerPorts.enumerated() {
            let name = index == 0 ? "router" : "router-\(index + 1)"
            var controlled = controlled(for: "router")
            controlled["PURRPURR_HTTP_PORT"] = String(port)
            specs.append(MeshProcessSpec(
                name: name, executable: "\(binaryDirectory)/router",
                environment: compose(defaults: defaults(for: "router"), controlled: controlled, extra: extra["router"]),
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

    /// What a service gets unless the environment says otherwise.
    private func defaults(for service: String) -> [String: String] {
        var values = ["LOG_LEVEL": "info", "DRAIN_TIMEOUT_SECONDS": "5"]
        switch service {
        case "comms":
            values["COMMS_MASTER_KEY"] = state.commsMasterKey
            values["COMMS_MESSAGE_ID_DOMAIN"] = "purrpurr.local"
            values["COMMS_DEFAULT_FROM"] = "Purrpurr <no-reply@purrpurr.local>"
            values["COMMS_RETRY_SCHEDULE"] = "5s,30s,2m,10m"
            if let defaultSMTPURL { values["SMTP_URL"] = defaultSMTPURL }
        case "identity":
            values["IDENTITY_MASTER_KEY"] = state.identityMasterKey
        case "router":
            values["API_KEY_PEPPER"] = state.apiKeyPepper
            values["PURRPURR_ADMIN_TOKEN"] = state.adminToken
            for (source, secret) in webhookSecrets { values["WEBHOOK_SECRET_" + source.uppercased()] = secret }
        default:
            break
        }
        return values
    }

    /// What the launcher decides whatever the environment says.
    private func controlled(for service: String) -> [String: String] {
        let certificates = certificatesDirectory
        var values = [
            "DATABASE_URL": databaseURLs[service] ?? "",
            "MESH_CA_PATH": "\(certificates)/ca.pem",
            "MESH_CERT_PATH": "\(certificates)/\(service).crt",
            "MESH_KEY_PATH": "\(certificates)/\(service).key",
        ]
        let endpoint = { (name: String) in "127.0.0.1:\(wirePorts[name] ?? 0)" }
        switch service {
        case "router":
            for service in Self.services { values[service.uppercased() + "_WIRE_ENDPOINTS"] = endpoint(service) }
            values["PURRPURR_HTTP_HOST"] = environment["PURRPURR_HTTP_HOST"].nonEmpty ?? "127.0.0.1"
        case "identity":
            values["WIRE_HOST"] = "127.0.0.1"
            values["WIRE_PORT"] = String(wirePorts["identity"] ?? 0)
            values["COMMS_WIRE_ENDPOINTS"] = endpoint("comms")
        default:
            values["WIRE_HOST"] = "127.0.0.1"
            values["WIRE_PORT"] = String(wirePorts[service] ?? 0)
        }
        return values
    }
}

extension Optional where Wrapped == String {
    /// The string unless it is nil or empty (an empty variable counts as unset, as everywhere in the mesh).
    var nonEmpty: String? {
        guard let self, !self.isEmpty else { return nil }
        return self
    }
}
