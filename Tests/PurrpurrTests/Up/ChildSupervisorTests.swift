#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Synchronization
import Testing
@testable import Purrpurr

@Suite("ChildSupervisor")
struct ChildSupervisorTests {
    private final class Reports: Sendable {
        let lines = Mutex<[String]>([])
    }

    private func directory() throws -> String {
        let path = NSTemporaryDirectory() + "purrpurr-supervisor-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test("a child that dies is reported and restarted; stop ends it by its PID with SIGTERM", .timeLimit(.minutes(1)))
    func restartAndStop() async throws {
        let folder = try directory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let reports = Reports()
        let supervisor = ChildSupervisor(
            policy: .init(initialBackoff: .milliseconds(100), maximumBackoff: .milliseconds(400)), pidDirectory: folder,
            report: { line in reports.lines.withLock { $0.append(line) } })
        try supervisor.start(MeshProcessSpec(
            name: "sleeper", executable: "/bin/sleep", arguments: ["30"], environment: [:],
            logPath: folder + "/sleeper.log", httpPort: nil))
        let first = try #require(supervisor.pid(of: "sleeper"))
        #expect(FileManager.default.fileExists(atPath: folder + "/sleeper.pid"))
        kill(first, SIGKILL)
        let second = try #require(await supervisor.waitForRestart(of: "sleeper", previous: first, timeout: .seconds(10)))
        #expect(second != first)
        #expect(supervisor.restartCount(of: "sleeper") >= 1)
        #expect(reports.lines.withLock { $0 }.contains { $0.contains("sleeper was killed by signal 9") })

        let exits = await supervisor.stopAll(order: ["sleeper"], grace: .seconds(5))
        #expect(exits["sleeper"] == .signaled(SIGTERM))
        #expect(!ProcessSpawner.isAlive(second) || ProcessSpawner.executablePath(of: second) == nil)
        #expect(!FileManager.default.fileExists(atPath: folder + "/sleeper.pid"))
    }

    @Test("leftovers of an earlier run are stopped only when the PID still runs the recorded executable")
    func leftovers() async throws {
        let folder = try directory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let pid = try ProcessSpawner.spawn("/bin/sleep", ["30"], environment: [:], logPath: nil)
        let waiter = Task { await ProcessSpawner.exit(of: pid) }
        let executable = try #require(ProcessSpawner.executablePath(of: pid))
        try "\(pid)\n\(executable)\n".write(toFile: folder + "/old.pid", atomically: true, encoding: .utf8)
        try "\(getpid())\n/not/this/program\n".write(toFile: folder + "/recycled.pid", atomically: true, encoding: .utf8)
        await ChildSupervisor.stopLeftovers(in: folder, report: { _ in })
        #expect(await waiter.value == .signaled(SIGTERM))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty)
    }
}
