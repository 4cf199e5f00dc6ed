#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Runs the mesh's processes, restarts one that dies (with exponential backoff, reset once it has stayed up for
/// a while), and stops them **by PID** in the order asked. Each child's PID is also written to
/// `<pidDirectory>/<name>.pid` so a later run can stop processes that an earlier, killed launcher left behind
/// (``stopLeftovers(in:)``).
///
/// Each child gets one thread blocked in `waitpid`; there are a handful of children.
final class ChildSupervisor: @unchecked Sendable {
    /// How restarts are paced.
    struct Policy: Sendable {
        /// Delay before the first restart.
        var initialBackoff: Duration = .seconds(1)
        /// The longest delay between restarts.
        var maximumBackoff: Duration = .seconds(30)
        /// A child that ran this long before dying is restarted after ``initialBackoff`` again.
        var healthyAfter: Duration = .seconds(30)
    }

    /// One supervised process; every field is read and written under the supervisor's lock.
    private final class Child: @unchecked Sendable {
        let spec: MeshProcessSpec
        var pid: pid_t = 0
        var generation = 0
        var startedAt = ContinuousClock.now
        var backoff: Duration
        var restarts = 0
        var lastExit: ProcessSpawner.Exit?
        var running = false
        var restartEnabled = true

        init(spec: MeshProcessSpec, backoff: Duration) {
            self.spec = spec
            self.backoff = backoff
        }
    }

    private let policy: Policy
    private let pidDirectory: String
    private let report: @Sendable (String) -> Void
    private let lock = NSLock()
    private var children: [String: Child] = [:]
    private var stopping = false

    /// `report` receives one message per event worth telling the person at the terminal (a crash, a restart).
    init(policy: Policy = Policy(), pidDirectory: String, report: @escaping @Sendable (String) -> Void) {
        self.policy = policy
        self.pidDirectory = pidDirectory
        self.report = report
    }

    /// Starts `spec` now and keeps it running.
    func start(_ spec: MeshProcessSpec) throws {
        let child = Child(spec: spec, backoff: policy.initialBackoff)
        lock.withLock { children[spec.name] = child }
        try launch(child)
    }

    /// The running PID of `name`, or nil while it is down.
    func pid(of name: String) -> pid_t? {
        lock.withLock { children[name].flatMap { $0.running ? $0.pid : nil } }
    }

    /// How `name` last ended, if it ever did.
    func lastExit(of name: String) -> ProcessSpawner.Exit? {
        lock.withLock { children[name]?.lastExit }
    }

    /// How many times `name` was restarted.
    func restartCount(of name: String) -> Int {
        lock.withLock { children[name]?.restarts ?? 0 }
    }

    /// Sends `signal` to `name`'s current process.
    func send(_ signal: Int32, to name: String) {
        if let pid = pid(of: name) { kill(pid, signal) }
    }

    /// Waits until `name` runs a process other than `previous` (after a restart), up to `timeout`.
    func waitForRestart(of name: String, previous: pid_t, timeout: Duration) async -> pid_t? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let pid = pid(of: name), pid != previous { return pid }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }

    /// Stops every child (no more restarts): SIGTERM to each in `order` (others after), waiting up to `grace` for
    /// each to exit before SIGKILL. Returns how each ended.
    func stopAll(order: [String], grace: Duration) async -> [String: ProcessSpawner.Exit] {
        let names: [String] = lock.withLock {
            stopping = true
            return order.filter { children[$0] != nil } + children.keys.filter { !order.contains($0) }.sorted()
        }
        var exits: [String: ProcessSpawner.Exit] = [:]
        for name in names {
            exits[name] = await stop(name, grace: grace)
        }
        return exits
    }

    /// Stops one child for good (no restart) and returns how it ended.
    func stop(_ name: String, grace: Duration) async -> ProcessSpawner.Exit? {
        let pid: pid_t? = lock.withLock {
            guard let child = children[name] else { return nil }
            child.restartEnabled = false
            return child.running ? child.pid : nil
        }
        guard let pid else { return lastExit(of: name) }
        kill(pid, SIGTERM)
        let deadline = ContinuousClock.now + grace
        while ContinuousClock.now < deadline, self.pid(of: name) == pid {
            try? await Task.sleep(for: .milliseconds(20))
        }
        if self.pid(of: name) == pid {
            report("\(name) did not stop within \(grace); killing it")
            kill(pid, SIGKILL)
            while self.pid(of: name) == pid { try? await Task.sleep(for: .milliseconds(20)) }
        }
        return lastExit(of: name)
    }

    /// Starts `name` again after ``stop(_:grace:)`` (tests use it to bring a killed service back by hand).
    func restart(_ name: String) throws {
        let child: Child? = lock.withLock {
            guard let child = children[name], !child.running else { return nil }
            child.restartEnabled = true
            return child
        }
        if let child { try launch(child) }
    }

    private func launch(_ child: Child) throws {
        let pid = try ProcessSpawner.spawn(
            child.spec.executable, child.spec.arguments, environment: child.spec.environment, logPath: child.spec.logPath)
        let generation: Int = lock.withLock {
            child.pid = pid
            child.running = true
            child.startedAt = .now
            child.generation += 1
            return child.generation
        }
        try? "\(pid)\n\(child.spec.executable)\n".write(
            toFile: "\(pidDirectory)/\(child.spec.name).pid", atomically: true, encoding: .utf8)
        Thread.detachNewThread { [self] in
            let exit = ProcessSpawner.wait(for: pid)
            exited(child, generation: generation, exit: exit)
        }
    }

    private func exited(_ child: Child, generation: Int, exit: ProcessSpawner.Exit) {
        let delay: Duration? = lock.withLock {
            guard child.generation == generation else { return nil }
            child.running = false
            child.lastExit = exit
            guard !stopping, child.restartEnabled else { return nil }
            if ContinuousClock.now - child.startedAt >= policy.healthyAfter { child.backoff = policy.initialBackoff }
            let delay = child.backoff
            child.backoff = min(child.backoff * 2, policy.maximumBackoff)
            child.restarts += 1
            return delay
        }
        guard let delay else {
            try? FileManager.default.removeItem(atPath: "\(pidDirectory)/\(child.spec.name).pid")
            return
        }
        report("\(child.spec.name) \(exit); restarting it in \(delay.formattedSeconds) "
            + "(log: \(child.spec.logPath))\(Self.tail(of: child.spec.logPath))")
        DispatchQueue.global().asyncAfter(deadline: .now() + delay.timeInterval) { [self] in
            let proceed = lock.withLock { !stopping && child.restartEnabled && !child.running && child.generation == generation }
            guard proceed else { return }
            do {
                try launch(child)
            } catch {
                report("\(child.spec.name) could not be restarted: \(error)")
            }
        }
    }

    /// The last lines of a log file, indented, for a crash report.
    static func tail(of path: String, lines: Int = 5) -> String {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return "" }
        let last = text.split(separator: "\n").suffix(lines)
        return last.isEmpty ? "" : "\n" + last.map { "    " + $0 }.joined(separator: "\n")
    }

    /// Stops processes that an earlier launcher (killed before it could stop them) left running, found through the
    /// PID files in `directory`; a PID now used by another program is left alone.
    static func stopLeftovers(in directory: String, report: (String) -> Void) async {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        for file in files where file.hasSuffix(".pid") {
            let path = directory + "/" + file
            defer { try? FileManager.default.removeItem(atPath: path) }
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { continue }
            let lines = text.split(separator: "\n").map(String.init)
            guard lines.count == 2, let pid = pid_t(lines[0]), ProcessSpawner.isAlive(pid),
                ProcessSpawner.executablePath(of: pid) == lines[1]
            else { continue }
            report("stopping \(file.dropLast(4)) (pid \(pid)), left running by an earlier run")
            kill(pid, SIGTERM)
            for _ in 0..<150 where ProcessSpawner.isAlive(pid) { try? await Task.sleep(for: .milliseconds(100)) }
            if ProcessSpawner.isAlive(pid) { kill(pid, SIGKILL) }
        }
    }
}

extension Duration {
    /// Seconds as a `TimeInterval`.
    var timeInterval: TimeInterval {
        let parts = components
        return TimeInterval(parts.seconds) + TimeInterval(parts.attoseconds) / 1e18
    }

    /// "1 s", "2.5 s".
    var formattedSeconds: String {
        let seconds = timeInterval
        return seconds == seconds.rounded() ? "\(Int(seconds)) s" : String(format: "%.1f s", seconds)
    }
}
