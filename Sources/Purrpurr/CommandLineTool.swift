/// The `purrpurr` command line: parses the arguments and returns the exit status. Output goes through
/// the injected writers so tests can read it.
///
/// ```swift
/// let status = CommandLineTool.run(arguments: ["help"], environment: [:], output: { _ in }, errorOutput: { _ in })
/// ```
enum CommandLineTool {
    /// Exit status for a usage error (`EX_USAGE`).
    static let usageStatus: Int32 = 64

    /// The help text.
    static let usage = """
        usage: purrpurr <command>

        Purrpurr Cloud command-line tool.

        commands:
          help    show this help
          certs   write a development mesh CA and service certificates
                  [--out DIR (default .purrpurr/certs)] [--days N (default 30)]
          up      run the whole mesh locally: PostgreSQL, mail catcher, services, Router
                  [--dir DIR (default .purrpurr)] [--no-build]
          mail    list the mail caught by `up`, newest first, with their links
                  [--dir DIR (default .purrpurr/mail)] [--limit N] [--json] | show NAME
          services  print the registry of mesh services, one a line, tab-separated:
                  name, Wire port, database, certificate, executable
          whatsapp  list the texts the development WhatsApp gateway of `up` received
                  [--dir DIR (default .purrpurr/whatsapp)] [--limit N]
          whatsapp-gateway  run the development WhatsApp gateway (Evolution API paths) alone
                  [--dir DIR] [--port N] [--api-key KEY] [--control]

        environment: see docs/configuration.md
        """

    /// Runs the command in `arguments` (without the program name) and returns the exit status.
    static func run(
        arguments: [String],
        environment: [String: String],
        output: @escaping @Sendable (String) -> Void,
        errorOutput: @escaping @Sendable (String) -> Void
    ) async -> Int32 {
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
            return await UpCommand.run(
                arguments: Array(arguments.dropFirst()), environment: environment, output: output,
                errorOutput: errorOutput)
        case "services":
            return ServicesCommand.run(arguments: Array(arguments.dropFirst()), output: output, errorOutput: errorOutput)
        case "mail":
            return MailCommand.run(
                arguments: Array(arguments.dropFirst()), environment: environment, output: output,
                errorOutput: errorOutput)
        case "whatsapp":
            return WhatsAppCommand.list(arguments: Array(arguments.dropFirst()), output: output, errorOutput: errorOutput)
        case "whatsapp-gateway":
            return await WhatsAppCommand.serve(
                arguments: Array(arguments.dropFirst()), environment: environment, output: output,
                errorOutput: errorOutput)
        default:
            errorOutput("purrpurr: unknown command '\(command)'")
            errorOutput(usage)
            return usageStatus
        }
    }
}
