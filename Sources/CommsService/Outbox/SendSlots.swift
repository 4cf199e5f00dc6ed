import Synchronization

/// The outbox's in-flight caps, per replica: at most `perProject` sends of one project and at most
/// `perRelay` sends to one project relay (`host:port`, all projects together) at once, so a project whose
/// relay stalls holds that many workers and connections, not all of them. Claims skip ``busyProjects``.
final class SendSlots: Sendable {
    private struct State {
        var projects: [String: Int] = [:]
        var relays: [String: Int] = [:]
    }

    private let state = Mutex(State())
    /// The per-project cap.
    let perProject: Int
    /// The per-relay cap.
    let perRelay: Int

    /// Creates the caps (each at least 1).
    init(perProject: Int, perRelay: Int) {
        self.perProject = max(1, perProject)
        self.perRelay = max(1, perRelay)
    }

    /// Projects at their cap now (a claim leaves their messages for later or for another replica).
    var busyProjects: [String] {
        state.withLock { $0.projects.filter { $0.value >= perProject }.map(\.key).sorted() }
    }

    /// Takes a project slot; false if the project is at its cap. Give it back with ``leave(project:)``.
    func enter(project: String) -> Bool {
        state.withLock { Self.take(&$0.projects, project, cap: perProject) }
    }

    /// Gives a project slot back.
    func leave(project: String) {
        state.withLock { Self.give(&$0.projects, project) }
    }

    /// Takes a relay slot; false if the relay is at its cap. Give it back with ``leave(relay:)``.
    func enter(relay: String) -> Bool {
        state.withLock { Self.take(&$0.relays, relay, cap: perRelay) }
    }

    /// Gives a relay slot back.
    func leave(relay: String) {
        state.withLock { Self.give(&$0.relays, relay) }
    }

    private static func take(_ counts: inout [String: Int], _ key: String, cap: Int) -> Bool {
        guard counts[key, default: 0] < cap else { return false }
        counts[key, default: 0] += 1
        return true
    }

    private static func give(_ counts: inout [String: Int], _ key: String) {
        let left = counts[key, default: 1] - 1
        counts[key] = left > 0 ? left : nil
    }
}
