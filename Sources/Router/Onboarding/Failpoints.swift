#if canImport(Glibc)
import Glibc
#endif

/// Test-only crash points: `PURRPURR_FAILPOINTS=<name>@<marker file>[,…]` makes the process kill itself with
/// SIGKILL when it reaches point `<name>` — once: it fires only if it can create the marker file (`O_EXCL`),
/// so the restarted process goes on. The kill -9 tests of multi-step work (onboarding's saga) use it to stop
/// the Router between two steps exactly; no deployment sets the variable.
struct Failpoints: Sendable {
    /// Marker files by point name.
    private let points: [String: String]

    /// Parses the variable (nil or empty: no points).
    init(_ text: String?) {
        var points: [String: String] = [:]
        for item in (text ?? "").split(separator: ",") {
            let parts = item.split(separator: "@", maxSplits: 1)
            if parts.count == 2 { points[String(parts[0])] = String(parts[1]) }
        }
        self.points = points
    }

    /// Kills the process at point `name` if it is armed and has not fired yet.
    func reach(_ name: String) {
        guard let marker = points[name] else { return }
        let fd = open(marker, O_CREAT | O_EXCL | O_WRONLY, 0o600)
        guard fd >= 0 else { return }
        close(fd)
        kill(getpid(), SIGKILL)
    }
}
