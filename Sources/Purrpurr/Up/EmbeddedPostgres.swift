#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// The development PostgreSQL server that `purrpurr up` runs from its own data folder (`.purrpurr/postgres/data`).
///
/// The first run `initdb`s the folder (trust authentication, listening on 127.0.0.1 only, UTF-8, no Unix socket);
/// every run starts the server with `pg_ctl` on a free port and stops it by the PID in `postmaster.pid` (SIGINT: a
/// fast, clean shutdown). PostgreSQL refuses to run as root, so when `purrpurr up` runs as root the folder is
/// handed to the `postgres` user and the server programs run through `runuser -u postgres`.
struct EmbeddedPostgres: Sendable {
    /// The folder that holds `data/` and `server.log`.
    let root: String
    /// The folder with `initdb`, `pg_ctl` and `postgres`.
    let binaries: String

    /// The cluster's data folder.
    var dataDirectory: String { root + "/data" }
    /// The server's own log.
    var logPath: String { root + "/server.log" }

    /// Finds the newest installed server (`/usr/lib/postgresql/<version>/bin`, then `initdb` on `PATH`).
    init(root: String, environment: [String: String]) throws {
        self.root = root
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        let candidates = versions.compactMap(Int.init).sorted(by: >).map { "/usr/lib/postgresql/\($0)/bin" }
            + (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map(String.init)
        guard let directory = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0 + "/initdb") })
        else {
            throw LauncherError(
                "PostgreSQL's server programs (initdb, pg_ctl) are not installed: run scripts/up, which installs them "
                    + "(apt-get install postgresql), or set DATABASE_URL to a server of your own")
        }
        self.binaries = directory
    }

    /// Whether this process runs as root (then the server runs as `postgres`).
    private var runsAsRoot: Bool { getuid() == 0 }

    /// Creates the cluster when the data folder has none yet. Returns true when it did.
    func initializeIfNeeded(environment: [String: String]) async throws -> Bool {
        if FileManager.default.fileExists(atPath: dataDirectory + "/PG_VERSION") { return false }
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        if runsAsRoot { try handOverToPostgresUser() }
        let exit = try await serverCommand(
            "initdb",
            ["-D", dataDirectory, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-instructions"],
            environment: environment)
        guard exit.isSuccess else {
            throw LauncherError("initdb \(exit) (its output is in \(logPath))")
        }
        return true
    }

    /// Starts the server on 127.0.0.1:`port` and returns the postmaster's PID. A server left running from this
    /// folder by an earlier, killed `purrpurr up` is stopped first.
    func start(port: Int, environment: [String: String]) async throws -> pid_t {
        if let leftover = runningPID() {
            FileHandle.standardError.write(Data(
                "purrpurr: stopping the PostgreSQL left running by an earlier run (pid \(leftover))\n".utf8))
            await stop(pid: leftover)
        }
        // pg_ctl hands -o to the server through /bin/sh, so the options are plain words (no paths).
        let options = "-p \(port) -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c max_connections=100"
        let exit = try await serverCommand(
            "pg_ctl", ["-D", dataDirectory, "-l", logPath, "-w", "-t", "60", "-o", options, "start"],
            environment: environment)
        guard exit.isSuccess, let pid = runningPID() else {
            throw LauncherError("PostgreSQL did not start (\(exit)); see \(logPath)")
        }
        return pid
    }

    /// The postmaster's PID from `postmaster.pid`, when that process is alive.
    func runningPID() -> pid_t? {
        guard let text = try? String(contentsOfFile: dataDirectory + "/postmaster.pid", encoding: .utf8),
            let first = text.split(separator: "\n").first, let pid = pid_t(first), ProcessSpawner.isAlive(pid)
        else { return nil }
        // A recycled PID that now belongs to something else is not our server.
        let executable = ProcessSpawner.executablePath(of: pid) ?? "postgres"
        return executable.hasSuffix("/postgres") || executable == "postgres" ? pid : nil
    }

    /// Fast shutdown (SIGINT): open sessions are ended, everything committed is on disk. Waits up to 30 s,
    /// then sends SIGQUIT (immediate shutdown, crash recovery at the next start; nothing committed is lost).
    func stop(pid: pid_t) async {
        kill(pid, SIGINT)
        for _ in 0..<300 {
            if !ProcessSpawner.isAlive(pid) { return }
            try? await Task.sleep(for: .milliseconds(100))
        }
        kill(pid, SIGQUIT)
        for _ in 0..<50 where ProcessSpawner.isAlive(pid) { try? await Task.sleep(for: .milliseconds(100)) }
    }

    /// Runs `initdb` or `pg_ctl`, as `postgres` when we are root, with output appended to the server log.
    private func serverCommand(
        _ name: String, _ arguments: [String], environment: [String: String]
    ) async throws -> ProcessSpawner.Exit {
        let program = binaries + "/" + name
        let childEnvironment = ["PATH": environment["PATH"] ?? "/usr/bin:/bin", "LC_ALL": "C.UTF-8"]
        if runsAsRoot {
            guard let runuser = ["/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser"]
                .first(where: FileManager.default.isExecutableFile(atPath:))
            else { throw LauncherError("runuser (util-linux) is needed to run PostgreSQL as the postgres user") }
            return try await ProcessSpawner.run(
                runuser, ["-u", "postgres", "--", program] + arguments, environment: childEnvironment, logPath: logPath)
        }
        return try await ProcessSpawner.run(program, arguments, environment: childEnvironment, logPath: logPath)
    }

    /// As root: gives `root` to the `postgres` user, and checks that user can reach it (every parent folder
    /// must be searchable by others).
    private func handOverToPostgresUser() throws {
        guard let user = getpwnam("postgres") else {
            throw LauncherError("there is no postgres user (apt-get install postgresql creates it)")
        }
        let uid = user.pointee.pw_uid
        let gid = user.pointee.pw_gid
        guard chown(root, uid, gid) == 0 else {
            throw LauncherError("could not give \(root) to the postgres user: \(String(cString: strerror(errno)))")
        }
        _ = FileManager.default.createFile(atPath: logPath, contents: nil, attributes: [.posixPermissions: 0o600])
        _ = chown(logPath, uid, gid)
        var path = URL(fileURLWithPath: root).standardizedFileURL.deletingLastPathComponent().path
        while path != "/" && !path.isEmpty {
            var info = stat()
            if stat(path, &info) == 0, info.st_mode & S_IXOTH == 0 {
                throw LauncherError(
                    "the postgres user cannot reach \(root) because \(path) is not searchable by others: "
                        + "run `chmod o+x \(path)`, choose another folder with --dir, or set DATABASE_URL")
            }
            path = URL(fileURLWithPath: path).deletingLastPathComponent().path
        }
    }
}
