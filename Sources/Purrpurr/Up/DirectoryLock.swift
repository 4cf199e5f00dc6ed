#if canImport(Glibc)
import Glibc
#endif

/// An exclusive `flock` on `<directory>/up.lock`, held while a launcher uses the folder, so two `purrpurr up`
/// never share one data folder. The kernel drops the lock when the process dies, however it dies.
final class DirectoryLock: @unchecked Sendable {
    private var descriptor: Int32

    /// Takes the lock or throws at once, naming the PID of the holder when it is known.
    init(directory: String) throws {
        let path = directory + "/up.lock"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw LauncherError("could not open \(path)") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            var buffer = [UInt8](repeating: 0, count: 32)
            let count = pread(fd, &buffer, buffer.count, 0)
            let holder = count > 0 ? " (pid \(String(decoding: buffer[0..<count], as: UTF8.self)))" : ""
            close(fd)
            throw LauncherError(
                "another purrpurr up is already running with \(directory)\(holder); stop it first, or use --dir")
        }
        let pid = Array(String(getpid()).utf8)
        _ = ftruncate(fd, 0)
        _ = pwrite(fd, pid, pid.count, 0)
        self.descriptor = fd
    }

    /// Releases the lock (also released if the process exits).
    func release() {
        guard descriptor >= 0 else { return }
        _ = ftruncate(descriptor, 0)
        close(descriptor)
        descriptor = -1
    }

    deinit { release() }
}
