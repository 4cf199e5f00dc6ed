import ServiceKit
import Synchronization

/// Tells the webhook claimers that deliveries were committed, **after** the commit and outside it: this
/// replica's claimer at once, in-process (``local``), the other replicas by a `NOTIFY` on the webhook channel
/// sent on its own connection, at most one per ``notifyGap`` however many commits there were (the first at
/// once, those in the gap together at its end).
///
/// A `NOTIFY` inside every recording transaction cost one serialized notifying commit and one notification to
/// every listener per event (PostgreSQL takes a database-wide lock for a notifying commit, held to its end,
/// through its WAL flush): at thousands of events a second, a cap on the rate and wake-ups the claimer does not
/// need (`docs/webhooks.md`).
/// Nothing depends on the wake for correctness: a lost one (a crash right after the commit, a failed `NOTIFY`)
/// costs at most one ``WebhookSettings/pollInterval`` — every claimer also polls.
final class WebhookWake: Sendable {
    private struct State {
        var local: (@Sendable () -> Void)?
        /// A `NOTIFY` (and its gap) is under way.
        var notifying = false
        /// Deliveries were committed since that `NOTIFY` was sent.
        var pending = false
    }

    /// Sends the `NOTIFY`s.
    let pool: PostgresPool
    /// The webhook workers' channel (``CommsStore/webhookChannel``).
    let channel: String
    private let state = Mutex(State())

    /// The least time between two `NOTIFY`s: how late other replicas may hear of a delivery at most (beyond
    /// the round trip), and at most 100 notifying commits a second.
    static let notifyGap: Duration = .milliseconds(10)

    /// A wake over `pool`'s `channel`, with no local claimer yet.
    init(pool: PostgresPool, channel: String) {
        self.pool = pool
        self.channel = channel
    }

    /// Sets what wakes this replica's claimer (``WebhookOutbox/poke()``).
    func setLocal(_ wake: @escaping @Sendable () -> Void) {
        state.withLock { $0.local = wake }
    }

    /// Deliveries were made in what `client` wrote: wakes everyone once it is committed (at once when `client`
    /// is the pool; after `COMMIT` for a transaction, never if it rolls back).
    func afterCommit(of client: some PostgresClient) {
        client.afterCommit { [self] in committed() }
    }

    /// Deliveries were committed: wakes this replica's claimer now and the others by a coalesced `NOTIFY`.
    func committed() {
        let (local, start) = state.withLock { state -> ((@Sendable () -> Void)?, Bool) in
            if state.notifying {
                state.pending = true
                return (state.local, false)
            }
            state.notifying = true
            return (state.local, true)
        }
        local?()
        if start { Task { await notifyLoop() } }
    }

    /// `NOTIFY`, wait out the gap, again while commits came meanwhile.
    private func notifyLoop() async {
        while true {
            // A failure is only a later wake: the other replicas poll.
            _ = try? await pool.notify(channel: channel)
            try? await Task.sleep(for: Self.notifyGap)
            let again = state.withLock { state -> Bool in
                if state.pending {
                    state.pending = false
                    return true
                }
                state.notifying = false
                return false
            }
            if !again { return }
        }
    }
}
