import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A PostgreSQL cluster owned by one test (initdb into a temp dir, own free port), so it can be restarted
/// without disturbing tests that use the shared server. Always call ``stop()`` (it kills by PID).
final class PrivateCluster: @unchecked Sendable {
    let root: URL
    let port: Int
    private let binDirectory: String
    private let owner: String

    var url: String { "postgres://postgres@127.0.0.1:\(self.port)/postgres" }
    private var dataDirectory: String { self.root.appendingPathComponent("data").path }

    /// Runs initdb and starts the server.
    init(binDirectory: String, owner: String) throws {
        self.binDirectory = binDirectory
        self.owner = owner
        self.root = URL(fileURLWithPath: "/tmp").appendingPathComponent("purrpurr-pg-\(UUID().uuidString.prefix(8))")
        self.port = try fileprivateFreePort()
        try FileManager.default.createDirectory(at: self.root, withIntermediateDirectories: true)
        try FileManager.default.setAttributes(
            [.ownerAccountName: owner, .posixPermissions: 0o755], ofItemAtPath: self.root.path
        )
        try self.runAsOwner("initdb", [
            "-D", self.dataDirectory, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8",
        ])
        try self.start()
    }

    /// `pg_ctl start`, waiting until the server accepts connections.
    func start() throws {
        let options = "-p \(self.port) -c listen_addresses=127.0.0.1 -k \(self.root.path) -c fsync=off"
        try self.runAsOwner("pg_ctl", [
            "-D", self.dataDirectory, "-l", self.root.appendingPathComponent("server.log").path,
            "-w", "-t", "60", "-o", options, "start",
        ])
    }

    /// The postmaster's PID from `postmaster.pid`, if running.
    var pid: pid_t? {
        guard let text = try? String(contentsOfFile: self.dataDirectory + "/postmaster.pid", encoding: .utf8),
              let first = text.split(separator: "\n").first
        else { return nil }
        return pid_t(first.trimmingCharacters(in: .whitespaces))
    }

    /// Fast shutdown by PID (SIGINT), waiting up to 10 s, then SIGKILL.
    func stopServer() {
        guard let pid = self.pid else { return }
        guard kill(pid, SIGINT) == 0 else { return }
        for _ in 0..<200 where kill(pid, 0) == 0 { usleep(50_000) }
        if kill(pid, 0) == 0 { kill(pid, SIGKILL) }
    }

    /// Crash: an immediate shutdown by PID (SIGQUIT, `pg_ctl -m immediate`): every backend dies at once, no
    /// checkpoint, so the next start recovers from the WAL. Waits up to 10 s for the postmaster to go.
    func crashServer() {
        guard let pid = self.pid, kill(pid, SIGQUIT) == 0 else { return }
        for _ in 0..<200 where kill(pid, 0) == 0 { usleep(50_000) }
        if kill(pid, 0) == 0 { kill(pid, SIGKILL) }
    }

    /// Starts the server again (after ``crashServer()`` or ``stopServer()``) without blocking a Swift concurrency
    /// thread.
    func startAgain() async throws {
        try await fileprivateOffThread { try self.start() }
    }

    /// Stop (fast shutdown, all sessions are terminated) and start again on the same port.
    func restart() async throws {
        try await fileprivateOffThread {
            self.stopServer()
            try self.start()
        }
    }

    /// Creates and starts a cluster without blocking a Swift concurrency thread.
    static func make(binDirectory: String, owner: String) async throws -> PrivateCluster {
        try await fileprivateOffThread { try PrivateCluster(binDirectory: binDirectory, owner: owner) }
    }

    /// Stops the server and deletes its directory.
    func stop() {
        self.stopServer()
        try? FileManager.default.removeItem(at: self.root)
    }

    /// Runs a PostgreSQL tool as the cluster's owner (through `runuser` when we are root) and waits for it.
    /// Uses posix_spawn + waitpid: Foundation's `Process.waitUntilExit` was seen to miss the exit of
    /// `runuser` on Linux when called from concurrent test tasks. Blocks the calling thread.
    private func runAsOwner(_ tool: String, _ arguments: [String]) throws {
        let executable = "\(self.binDirectory)/\(tool)"
        let argv = getuid() == 0
            ? ["/usr/sbin/runuser", "-u", self.owner, "--", executable] + arguments
            : [executable] + arguments
        let status = fileprivateSpawnAndWait(argv)
        guard status == 0 else { throw PrivateClusterError(tool: tool, status: status) }
    }
}

/// Runs blocking work (initdb, pg_ctl) on its own thread and awaits it.
fileprivate func fileprivateOffThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}

/// Spawns `argv` with stdin/stdout/stderr on /dev/null and returns its exit status (-1 if it could not run).
fileprivate func fileprivateSpawnAndWait(_ argv: [String]) -> Int32 {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    for descriptor: Int32 in [0, 1, 2] {
        posix_spawn_file_actions_addopen(&actions, descriptor, "/dev/null", descriptor == 0 ? O_RDONLY : O_WRONLY, 0)
    }
    let arguments: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
    defer { arguments.forEach { free($0) } }
    var pid: pid_t = 0
    guard posix_spawn(&pid, argv[0], &actions, nil, arguments, environ) == 0 else { return -1 }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 {
        guard errno == EINTR else { return -1 }
    }
    // WIFEXITED / WEXITSTATUS, spelled out (they are macros).
    return (status & 0x7f) == 0 ? (status >> 8) & 0xff : -1
}

struct PrivateClusterError: Error, CustomStringConvertible {
    let tool: String
    let status: Int32
    var description: String { "\(self.tool) exited with status \(self.status)" }
}

/// A TCP port that was free a moment ago on 127.0.0.1.
fileprivate func fileprivateFreePort() throws -> Int {
    #if canImport(Glibc)
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    #else
    let fd = socket(AF_INET, SOCK_STREAM, 0)
    #endif
    guard fd >= 0 else { throw PrivateClusterError(tool: "socket", status: errno) }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
            bind(fd, generic, length) == 0 && getsockname(fd, generic, &length) == 0
        }
    }
    guard bound else { throw PrivateClusterError(tool: "bind", status: errno) }
    return Int(UInt16(bigEndian: address.sin_port))
}
