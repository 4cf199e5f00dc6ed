import Contracts
import Testing
@testable import Purrpurr

@Suite("MeshPlan")
struct MeshPlanTests {
    private func plan(environment: [String: String] = [:], routers: [Int] = [8080]) -> MeshPlan {
        MeshPlan(
            binaryDirectory: "/bin-dir", certificatesDirectory: "/certs", logsDirectory: "/logs",
            databaseURLs: ["router": "postgres://r", "identity": "postgres://i", "comms": "postgres://c"],
            wirePorts: Dictionary(uniqueKeysWithValues: MeshService.allCases.map { ($0, $0.defaultWirePort) }), routerPorts: routers,
            defaultSMTPURL: "smtp://127.0.0.1:2525?tls=none", state: LocalState.generate(), environment: environment)
    }

    @Test("services start before the Routers, each with its own database, certificate and endpoints")
    func order() throws {
        let specs = plan(routers: [8080, 8081]).processes()
        #expect(specs.map(\.name) == ["comms", "identity", "vault", "billing", "router", "router-2"])
        #expect(specs.map(\.executable) == [
            "/bin-dir/comms-service", "/bin-dir/identity-service", "/bin-dir/vault-service", "/bin-dir/billing-service",
            "/bin-dir/router", "/bin-dir/router",
        ])
        let comms = specs[0].environment, identity = specs[1].environment, router = specs[5].environment
        #expect(comms["DATABASE_URL"] == "postgres://c" && comms["WIRE_PORT"] == "7102")
        #expect(comms["SMTP_URL"] == "smtp://127.0.0.1:2525?tls=none")
        #expect(comms["OUTBOUND_ALLOW_PRIVATE_NETWORKS"] == "1")
        #expect(identity["COMMS_WIRE_ENDPOINTS"] == "127.0.0.1:7102" && identity["MESH_CERT_PATH"] == "/certs/identity.crt")
        #expect(router["PURRPURR_HTTP_PORT"] == "8081" && router["IDENTITY_WIRE_ENDPOINTS"] == "127.0.0.1:7101")
        #expect(router["VAULT_WIRE_ENDPOINTS"] == "127.0.0.1:7103" && router["BILLING_WIRE_ENDPOINTS"] == "127.0.0.1:7104")
        #expect(specs[2].environment["WIRE_PORT"] == "7103" && specs[3].environment["MESH_CERT_PATH"] == "/certs/billing.crt")
        #expect(router["MESH_KEY_PATH"] == "/certs/router.key" && router["DATABASE_URL"] == "postgres://r")
        #expect(specs[5].logPath == "/logs/router-2.log" && specs[5].httpPort == 8081)
    }

    @Test("the environment overrides defaults (SMTP_URL, admin token, webhook secrets, tuning), not the wiring")
    func precedence() throws {
        let environment = [
            "SMTP_URL": "smtp://relay.example:587", "PURRPURR_ADMIN_TOKEN": String(repeating: "t", count: 40),
            "WEBHOOK_SECRET_EMAIL": "whsec_override", "WEBHOOK_SECRET_SES": "whsec_ses", "IDENTITY_SCRYPT_N": "65536",
            "WIRE_PORT": "1", "MESH_CA_PATH": "/elsewhere", "COMMS_WIRE_ENDPOINTS": "10.0.0.1:1", "LOG_LEVEL": "debug",
            "SMTP_CA_PATH": "",
        ]
        let plan = plan(environment: environment)
        let specs = plan.processes()
        let comms = specs[0].environment, identity = specs[1].environment, router = specs[4].environment
        #expect(comms["SMTP_URL"] == "smtp://relay.example:587")
        #expect(comms["SMTP_CA_PATH"] == nil, "an empty variable counts as unset")
        #expect(identity["IDENTITY_SCRYPT_N"] == "65536" && identity["LOG_LEVEL"] == "debug")
        #expect(router["PURRPURR_ADMIN_TOKEN"] == plan.adminToken && plan.adminToken == environment["PURRPURR_ADMIN_TOKEN"])
        #expect(router["WEBHOOK_SECRET_EMAIL"] == "whsec_override" && router["WEBHOOK_SECRET_SES"] == "whsec_ses")
        #expect(plan.webhookSecrets == ["email": "whsec_override", "ses": "whsec_ses"])
        #expect(comms["WIRE_PORT"] == "7102" && identity["MESH_CA_PATH"] == "/certs/ca.pem")
        #expect(identity["COMMS_WIRE_ENDPOINTS"] == "127.0.0.1:7102")
    }

    @Test("secrets go only to the service that needs them")
    func secretsStayPut() throws {
        let plan = plan()
        let specs = plan.processes()
        #expect(specs[0].environment["IDENTITY_MASTER_KEY"] == nil && specs[0].environment["API_KEY_PEPPER"] == nil)
        #expect(specs[1].environment["COMMS_MASTER_KEY"] == nil && specs[1].environment["PURRPURR_ADMIN_TOKEN"] == nil)
        #expect(specs[4].environment["IDENTITY_MASTER_KEY"] == nil && specs[4].environment["COMMS_MASTER_KEY"] == nil)
        #expect(specs[4].environment["API_KEY_PEPPER"] == plan.state.apiKeyPepper)
        #expect(specs[2].environment["API_KEY_PEPPER"] == nil && specs[3].environment["IDENTITY_MASTER_KEY"] == nil)
    }
}
