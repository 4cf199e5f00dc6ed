import Foundation
import Testing

/// Launches the built executables and checks what an operator sees: exit statuses, the configuration
/// lines, the JSON `started` line and a graceful stop on SIGTERM/SIGINT.
@Suite("Executables (black box)")
struct ExecutableBlackBoxTests {
    /// Product name (as in Package.swift) and target name of each service executable.
    static let services: [(product: String, target: String)] = [
        ("router", "Router"),
        ("identity-service", "IdentityService"),
        ("comms-service", "CommsService"),
        ("vault-service", "VaultService"),
        ("billing-service", "BillingService"),
    ]

    /// The throwaway PostgreSQL that `scripts/test` (or CI) started; services connect and migrate at start.
    static let databaseURL = ProcessInfo.processInfo.environment["PURRPURR_TEST_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }

    /// An environment every service accepts.
    static let goodEnvironment = [
        "DATABASE_URL": databaseURL ?? "postgres://purrpurr@127.0.0.1:1/unused",
        "PURRPURR_ADMIN_TOKEN": String(repeating: "a", count: 32),
        "API_KEY_PEPPER": String(repeating: "p", count: 32),
        "PURRPURR_HTTP_PORT": "0",
        "DRAIN_TIMEOUT_SECONDS": "5",
        "LOG_LEVEL": "info",
    ]

    @Test("a bad environment exits 78 with one line per problem", arguments: services)
    func badEnvironment(product: String, target: String) async throws {
        let child = try ChildProcess([product, target], environment: ["DRAIN_TIMEOUT_SECONDS": "forever"])
        let status = try #require(try await child.waitForExit())
        #expect(status == 78)
        let lines = child.standardError.split(separator: "\n").map(String.init)
        #expect(lines.contains("\(product): invalid configuration: DATABASE_URL is missing (expected a postgres:// or postgresql:// URL)"))
        #expect(lines.contains("\(product): invalid configuration: DRAIN_TIMEOUT_SECONDS is malformed (expected a number of seconds from 0 to 300)"))
        #expect(lines.allSatisfy { $0.hasPrefix("\(product): invalid configuration: ") })
    }

    @Test("a good environment logs a JSON started line, and SIGTERM stops it with status 0",
          .enabled(if: databaseURL != nil, "PURRPURR_TEST_DATABASE_URL is not set (run scripts/test)"), arguments: services)
    func gracefulStop(product: String, target: String) async throws {
        try await startAndStop(product: product, target: target, signal: SIGTERM)
    }

    @Test("SIGINT stops a service gracefully too",
          .enabled(if: databaseURL != nil, "PURRPURR_TEST_DATABASE_URL is not set (run scripts/test)"))
    func interrupt() async throws {
        try await startAndStop(product: "router", target: "Router", signal: SIGINT)
    }

    @Test("an unreachable database stops the start with status 1 and a log line naming the failure", arguments: services)
    func unreachableDatabase(product: String, target: String) async throws {
        var environment = Self.goodEnvironment
        environment["DATABASE_URL"] = "postgres://purrpurr:hunter2-secret@127.0.0.1:1/nowhere?connect_timeout=2"
        let child = try ChildProcess([product, target], environment: environment)
        let status = try #require(try await child.waitForExit(), "did not exit")
        #expect(status == 1)
        #expect(child.standardError.contains(#""msg":"start failed""#))
        #expect(!child.standardError.contains("hunter2-secret"))
    }

    @Test("purrpurr help prints the usage; an unknown command exits 64")
    func commandLineTool() async throws {
        let help = try ChildProcess(["purrpurr", "Purrpurr"], arguments: ["help"], environment: [:])
        #expect(try await help.waitForExit() == 0)
        #expect(help.standardOutput.hasPrefix("usage: purrpurr"))

        let unknown = try ChildProcess(["purrpurr", "Purrpurr"], arguments: ["bogus"], environment: [:])
        #expect(try await unknown.waitForExit() == 64)
        #expect(unknown.standardError.contains("purrpurr: unknown command 'bogus'"))
        #expect(unknown.standardError.contains("usage: purrpurr"))
        #expect(unknown.standardOutput.isEmpty)
    }

    private func startAndStop(product: String, target: String, signal: Int32) async throws {
        let child = try ChildProcess([product, target], environment: Self.goodEnvironment)
        let started = try #require(try await child.waitForErrorLine(containing: #""msg":"started""#),
                                   "no started line; stderr: \(child.standardError)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(started.utf8)) as? [String: Any])
        #expect(object["level"] as? String == "info")
        #expect(object["service"] as? String == product)
        #expect(object["process.id"] as? Int == Int(child.pid))
        let timestamp = try #require(object["ts"] as? String)
        #expect(timestamp.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/) != nil)

        child.send(signal)
        let status = try #require(try await child.waitForExit(), "did not exit after the signal")
        #expect(status == 0)
        let lines = child.standardError.split(separator: "\n")
        #expect(lines.last?.contains(#""msg":"stopped""#) == true)
        for line in lines {
            #expect((try? JSONSerialization.jsonObject(with: Data(line.utf8))) != nil, "not JSON: \(line)")
            #expect(!line.contains(Self.goodEnvironment["PURRPURR_ADMIN_TOKEN"]!))
        }
    }
}
