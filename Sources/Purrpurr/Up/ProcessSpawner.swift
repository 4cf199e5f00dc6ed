#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Starts child processes with `posix_spawn`: stdin from `/dev/null`, stdout and stderr appended to a log file,
/// each child in its **own process group** (so a Ctrl-C in the terminal reaches only `purrpurr up`, which then
/// stops the children in order), with every signal's default action and an empty signal mask restored (the
/// launcher itself ignores SIGINT/SIGTERM to trap them, and an ignored disposition would otherwise survive `exec`).
enum ProcessSpawner {
    /// How a child ended.
    enum Exit: Sendable, Equatable, CustomStringConvertible {
        case exited(Int32)
        case signaled(Int32)

        /// Exit status 0.
        var isSuccess: Bool { self == .exited(0) }

        var description: String {
            switch self {
            case .exited(let status): "exited with status \(status)"
            case .signaled(let signal): "was killed by signal \(signal)\(fileprivateSignalName(signal))"
            }
        }
    }

    /// Starts `executable` with `arguments` and exactly `environment`; output goes to `logPath` (appended,
    /// created 0600) or, when nil, to this process's own stdout/stderr. With `ownProcessGroup` false the child stays
    /// in this process's group (a Ctrl-C reaches both). Returns the child's PID.
    static func spawn(
        _ executable: String, _ arguments: [String] = [], environment: [String: String], logPath: String?,
        ownProcessGroup: Bool = true
    ) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        if let logPath {
            posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | O_APPEND, 0o600)
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigfillset(&defaults)
        sigdelset(&defaults, SIGKILL)
        sigdelset(&defaults, SIGSTOP)
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setsigmask(&attributes, &mask)
        posix_spawnattr_setpgroup(&attributes, 0)
        let group = ownProcessGroup ? Int32(POSIX_SPAWN_SETPGROUP) : 0
        posix_spawnattr_setflags(&attributes, Int16(group | Int32(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK)))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard status == 0 else {
            throw LauncherError("could not start \(executable): \(String(cString: strerror(status)))")
        }
        return pid
    }

    /// Blocks until `pid` ends (retrying on EINTR) and says how. Call it from a thread that may block.
    static func wait(for pid: pid_t) -> Exit {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { return .exited(-1) }
        }
        let signal = status & 0x7f
        return signal == 0 ? .exited((status >> 8) & 0xff) : .signaled(signal)
    }

    /// Waits for `pid` on a background thread, so async code can await a child without blocking the pool.
    static func exit(of pid: pid_t) async -> Exit {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: wait(for: pid)) }
        }
    }

    /// Runs a command to completion with output to `logPath` (or inherited) and returns how it ended.
    static func run(
        _ executable: String, _ arguments: [String] = [], environment: [String: String], logPath: String?,
        ownProcessGroup: Bool = true
    ) async throws -> Exit {
        let pid = try spawn(executable, arguments, environment: environment, logPath: logPath, ownProcessGroup: ownProcessGroup)
        return await exit(of: pid)
    }

    /// Whether a process with `pid` exists (it may belong to someone else: check ``executablePath(of:)`` too).
    static func isAlive(_ pid: pid_t) -> Bool {
        pid > 0 && (kill(pid, 0) == 0 || errno == EPERM)
    }

    /// The executable a running process was started from (`/proc/PID/exe`), or nil.
    static func executablePath(of pid: pid_t) -> String? {
        try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/exe")
    }
}

fileprivate func fileprivateSignalName(_ signal: Int32) -> String {
    switch signal {
    case SIGKILL: " (SIGKILL)"
    case SIGTERM: " (SIGTERM)"
    case SIGINT: " (SIGINT)"
    case SIGSEGV: " (SIGSEGV)"
    case SIGABRT: " (SIGABRT)"
    case SIGILL: " (SIGILL)"
    case SIGTRAP: " (SIGTRAP: a Swift runtime trap)"
    default: ""
    }
}
