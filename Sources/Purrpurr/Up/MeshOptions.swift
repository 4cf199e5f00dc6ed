/// How ``MeshLauncher`` runs the local mesh. `purrpurr up` fills it from its flags and environment; the mesh
/// tests fill it with free ports, a test database and short timings.
struct MeshOptions: Sendable {
    /// The folder for everything local (`.purrpurr`): state, certificates, PostgreSQL data, mail, logs.
    var stateDirectory: String
    /// Where the built `router`, `identity-service` and `comms-service` are.
    var binaryDirectory: String
    /// The environment the mesh runs in; its variables override the launcher's defaults (see ``MeshPlan``).
    var environment: [String: String]
    /// How many Router processes to run (each on its own port, all sharing one database).
    var routerReplicas = 1
    /// The Routers' ports (0: a free one); nil means `PURRPURR_HTTP_PORT` (default 8080) and the ports after it.
    var routerPorts: [Int]?
    /// Extra variables per service, applied last.
    var extra: [String: [String: String]] = [:]
    /// How the supervisor paces restarts.
    var supervisorPolicy = ChildSupervisor.Policy()
    /// How long the whole start may take before the launcher gives up.
    var readyTimeout: Duration = .seconds(120)
    /// Whether to create (or check) the demo project.
    var demoProject = true
    /// Where messages for the person at the terminal go (restarts, leftovers).
    var report: @Sendable (String) -> Void = { _ in }

    /// `DATABASE_URL` from the environment, when set: then no PostgreSQL is started.
    var externalDatabaseURL: String? { environment["DATABASE_URL"].nonEmpty }
    /// `SMTP_URL` from the environment, when set: then no mail catcher runs.
    var externalSMTPURL: String? { environment["SMTP_URL"].nonEmpty }
}
