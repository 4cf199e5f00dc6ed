import Contracts

/// `purrpurr services`: prints the registry of mesh services (``MeshService``), one a line in start order,
/// tab-separated: name, default Wire port, database, certificate name, executable. Scripts that must agree
/// with the registry read it from here (`scripts/validate-deploy.sh`) rather than keeping their own list.
///
/// ```
/// $ purrpurr services
/// comms	7102	purrpurr_comms	comms	comms-service
/// identity	7101	purrpurr_identity	identity	identity-service
/// ```
enum ServicesCommand {
    /// The lines it prints.
    static var lines: [String] {
        MeshService.allCases.map { service in
            [service.name, String(service.defaultWirePort), service.databaseName, service.certificateName,
             service.executable].joined(separator: "\t")
        }
    }

    /// Prints ``lines``; any argument is a usage error.
    static func run(arguments: [String], output: (String) -> Void, errorOutput: (String) -> Void) -> Int32 {
        guard arguments.isEmpty else {
            errorOutput("purrpurr services: takes no arguments")
            return CommandLineTool.usageStatus
        }
        lines.forEach(output)
        return 0
    }
}
