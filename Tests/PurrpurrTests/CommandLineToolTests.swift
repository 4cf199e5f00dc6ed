import Synchronization
import Testing
import ServiceKit
@testable import Purrpurr

@Suite("CommandLineTool")
struct CommandLineToolTests {
    private func run(_ arguments: [String]) -> (status: Int32, output: [String], errors: [String]) {
        let output = Mutex<[String]>([])
        let errors = Mutex<[String]>([])
        let status = CommandLineTool.run(
            arguments: arguments, environment: [:],
            output: { line in output.withLock { $0.append(line) } },
            errorOutput: { line in errors.withLock { $0.append(line) } }
        )
        return (status, output.withLock { $0 }, errors.withLock { $0 })
    }

    @Test("help prints the usage on stdout", arguments: ["help", "--help", "-h"])
    func help(argument: String) {
        let result = run([argument])
        #expect(result.status == 0)
        #expect(result.output == [CommandLineTool.usage])
        #expect(result.errors.isEmpty)
        #expect(CommandLineTool.usage.contains("up"))
    }

    @Test("an unknown command prints the usage on stderr and exits 64")
    func unknown() {
        let result = run(["frobnicate"])
        #expect(result.status == 64)
        #expect(result.output.isEmpty)
        #expect(result.errors == ["purrpurr: unknown command 'frobnicate'", CommandLineTool.usage])
    }

    @Test("no command is a usage error")
    func none() {
        let result = run([])
        #expect(result.status == 64)
        #expect(result.errors == [CommandLineTool.usage])
    }

    @Test("up is announced but not available yet")
    func upComing() {
        #expect(run(["up"]).status == 69)
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
