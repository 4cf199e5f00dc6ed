/// One process of the local mesh, as the supervisor starts it.
struct MeshProcessSpec: Sendable {
    /// The name the launcher reports and tests address it by: `comms`, `identity`, `router`, `router-2`, ….
    let name: String
    /// Absolute path of the executable.
    let executable: String
    /// Its arguments (the services take none: they are configured by the environment alone).
    var arguments: [String] = []
    /// The complete environment (nothing else is inherited).
    let environment: [String: String]
    /// Where stdout and stderr are appended.
    let logPath: String
    /// For a Router: its public HTTP port.
    let httpPort: Int?

    init(
        name: String, executable: String, arguments: [String] = [], environment: [String: String], logPath: String,
        httpPort: Int?
    ) {
        self.name = name
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.logPath = logPath
        self.httpPort = httpPort
    }
}
