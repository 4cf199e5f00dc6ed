import Foundation
import Synchronization
import Testing
@testable import ServiceKit

fileprivate struct TestConfig: ServiceConfiguration {
    let logLevel: Logger.Level
    let drainTimeout: Duration
    let databaseURL: Secret<URL>

    init(environment: [String: String]) throws {
        var reader = EnvironmentReader(environment)
        let logLevel = reader.logLevel()
        let databaseURL = reader.databaseURL()
        let drainTimeout = reader.drainTimeout()
        try reader.finish()
        self.logLevel = logLevel
        self.databaseURL = databaseURL!
        self.drainTimeout = drainTimeout
    }
}

@Suite("ServiceMain")
struct ServiceMainTests {
    @Test("a bad environment prints one line per problem and returns 78")
    func badConfiguration() async {
        let lines = Mutex<[String]>([])
        let status = await ServiceMain.execute(
            name: "demo", environment: ["LOG_LEVEL": "chatty", "DRAIN_TIMEOUT_SECONDS": "-1"],
            signals: AsyncStream { $0.finish() }, logHandler: InMemoryLogHandler(),
            errorOutput: { line in lines.withLock { $0.append(line) } }
        ) { try TestConfig(environment: $0) } build: { _, _ in
            Issue.record("build must not run")
            return []
        }
        #expect(status == 78)
        #expect(lines.withLock { $0 } == [
            "demo: invalid configuration: LOG_LEVEL is malformed (expected one of trace|debug|info|notice|warning|error|critical)",
            "demo: invalid configuration: DATABASE_URL is missing (expected a postgres:// or postgresql:// URL)",
            "demo: invalid configuration: DRAIN_TIMEOUT_SECONDS is out of range (expected a number of seconds from 0 to 300)",
        ])
    }

    @Test("a good environment logs started, runs until a signal, logs stopped and returns 0")
    func gracefulRun() async throws {
        let logs = InMemoryLogHandler(service: "demo")
        let (signals, sender) = AsyncStream.makeStream(of: UnixSignal.self)
        sender.yield(.sigterm)  // buffered until the group listens
        let status = await ServiceMain.execute(
            name: "demo", environment: ["DATABASE_URL": "postgres://db/app", "LOG_LEVEL": "debug"],
            signals: signals, logHandler: logs, errorOutput: { _ in Issue.record("unexpected output") }
        ) { try TestConfig(environment: $0) } build: { config, context in
            #expect(context.name == "demo")
            #expect(config.logLevel == .debug)
            return [IdleService()]
        }
        #expect(status == 0)
        let messages = logs.records.filter { $0.level >= .info }.map(\.message)
        #expect(messages == ["started", "graceful shutdown requested", "stopped"])
        #expect(logs.records.first?.metadata[.processID] == .int(Int(getpid())))
    }

    @Test("a build failure logs start failed and returns 1")
    func buildFailure() async {
        struct NoDatabase: Error {}
        let logs = InMemoryLogHandler()
        let status = await ServiceMain.execute(
            name: "demo", environment: ["DATABASE_URL": "postgres://db/app"],
            signals: AsyncStream { $0.finish() }, logHandler: logs, errorOutput: { _ in }
        ) { try TestConfig(environment: $0) } build: { _, _ in
            throw NoDatabase()
        }
        #expect(status == 1)
        #expect(logs.records.map(\.message) == ["start failed"])
    }

    @Test("a failing service makes the exit status 1")
    func serviceFailure() async {
        struct Crashing: Service {
            struct Crash: Error {}
            func run() async throws { throw Crash() }
        }
        let logs = InMemoryLogHandler()
        let status = await ServiceMain.execute(
            name: "demo", environment: ["DATABASE_URL": "postgres://db/app"],
            signals: AsyncStream { _ in }, logHandler: logs, errorOutput: { _ in }
        ) { try TestConfig(environment: $0) } build: { _, _ in
            [IdleService(), Crashing()]
        }
        #expect(status == 1)
        let stopped = logs.records.last
        #expect(stopped?.message == "stopped")
        #expect(stopped?.level == .error)
        #expect(stopped?.metadata[.errorCode] == "SERVICE_FAILED")
    }
}
