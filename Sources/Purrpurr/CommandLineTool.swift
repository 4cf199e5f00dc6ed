/// The `purrpurr` command line: parses the arguments and returns the exit status. Output goes through
/// the injected writers so tests can read it.
///
/// ```swift
/// let status = CommandLineTool.run(arguments: ["help"], environment: [:], output: { _ in }, errorOutput: { _ in })
/// ```
enum CommandLineTool {
    /// Exit status for a usage error (`EX_USAGE`).
    static let usageStatus: Int32 = 64
    /// Exit status for a command that exists but is not available yet (`EX_UNAVAILABLE`).
    static let unavailableStatus: Int32 = 69

    /// The help text.
    static let usage = """
        usage: purrpurr <command>

        Purrpurr Cloud command-line tool.

        commands:
          help    show this help
          certs   write a development mesh CA and service certificates
                  [--out DIR (default .purrpurr/certs)] [--days N (default 30)]
          up      run the whole mesh locally (coming: not available yet)

        environment: see docs/configuration.md
        """

    /// Runs the command in `arguments` (without the program name) and returns the exit status.
    static func run(
        arguments: [String],
        environment: [String: String],
        output: (String) -> Void,
        errorOutput: (String) -> Void
    ) -> Int32 {
        guard let command = arguments.first else {
            errorOutput(usage)
            return usageStatus
        }
        switch command {
        case "help", "--help", "-h":
            output(usage)
            return 0
        case "certs":
            return CertsCommand.run(arguments: Array(arguments.dropFirst()), output: output, errorOutput: errorOutput)
        case "up":
            errorOutput("purrpurr: up is not available yet")
            return unavailableStatus
        default:
            errorOutput("purrpurr: unknown command '\(command)'")
            errorOutput(usage)
            return usageStatus
        }
    }
}
