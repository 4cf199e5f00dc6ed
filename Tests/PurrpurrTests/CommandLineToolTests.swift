import Contracts
import Synchronization
import Testing
import ServiceKit
@testable import Purrpurr

@Suite("CommandLineTool")
struct CommandLineToolTests {
    private func run(_ arguments: [String]) async -> (status: Int32, output: [String], errors: [String]) {
        let output = CapturedLines()
        let errors = CapturedLines()
        let status = await CommandLineTool.run(
            arguments: arguments, environment: [:],
            output: { line in output.lines.withLock { $0.append(line) } },
            errorOutput: { line in errors.lines.withLock { $0.append(line) } }
        )
        return (status, output.lines.withLock { $0 }, errors.lines.withLock { $0 })
    }

    @Test("help prints the usage on stdout", arguments: ["help", "--help", "-h"])
    func help(argument: String) async {
        let result = await run([argument])
        #expect(result.status == 0)
        #expect(result.output == [CommandLineTool.usage])
        #expect(result.errors.isEmpty)
        #expect(CommandLineTool.usage.contains("up"))
    }

    @Test("an unknown command prints the usage on stderr and exits 64")
    func unknown() async {
        let result = await run(["frobnicate"])
        #expect(result.status == 64)
        #expect(result.output.isEmpty)
        #expect(result.errors == ["purrpurr: unknown command 'frobnicate'", CommandLineTool.usage])
    }

    @Test("no command is a usage error")
    func none() async {
        let result = await run([])
        #expect(result.status == 64)
        #expect(result.errors == [CommandLineTool.usage])
    }

    @Test("services prints the registry, one service a line, tab-separated, in start order")
    func services() async {
        let result = await run(["services"])
        #expect(result.status == 0)
        #expect(result.output.map { $0.split(separator: "\t").map(String.init) } == MeshService.allCases.map {
            [$0.name, String($0.defaultWirePort), $0.databaseName, $0.certificateName, $0.executable]
        })
        #expect(result.output.first == "comms\t7102\tpurrpurr_comms\tcomms\tcomms-service")
        #expect(await run(["services", "--all"]).status == 64)
    }

    @Test("up and mail reject unknown options with a usage error", arguments: ["up", "mail"])
    func badOptions(command: String) async {
        let result = await run([command, "--frobnicate"])
        #expect(result.status == 64)
        #expect(result.errors.first?.contains("--frobnicate") == true)
    }
}

@Suite("PurrpurrConfig")
struct PurrpurrConfigTests {
    @Test("LOG_LEVEL defaults to info and is validated")
    func logLevel() throws {
        #expect(try PurrpurrConfig(environment: [:]).logLevel == .info)
        #expect(try PurrpurrConfig(environment: ["LOG_LEVEL": "warning"]).logLevel == .warning)
        let error = try #require(throws: ConfigurationError.self) { try PurrpurrConfig(environment: ["LOG_LEVEL": "x"]) }
        #expect(error.variables == ["LOG_LEVEL"])
    }
}

/// Lines a command wrote, shared with its `@Sendable` writers.
final class CapturedLines: Sendable {
    let lines = Mutex<[String]>([])
}
