import Contracts
import Foundation
import ServiceKit
import Testing
import Wire
@testable import BillingService

/// One BillingService for a test, without Wire: its own schema (migrated), a pool, the store and handlers.
/// ``with(_:)`` checks the ledger's invariant after the test body and drops the schema.
final class BillingHarness: Sendable {
    static let databaseURL = ProcessInfo.processInfo.environment["PURRPURR_TEST_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }

    let pool: PostgresPool
    let schema: String
    let store: BillingStore

    init(schema: String? = nil, connections: Int = 8) async throws {
        self.schema = schema ?? "bt_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(10).lowercased()
        var configuration = try PostgresConfiguration(url: Self.databaseURL ?? "")
        configuration.maxConnections = connections
        pool = PostgresPool(configuration: configuration)
        try await Migrator(schema: self.schema, migrations: BillingServiceMigrations.steps(schema: self.schema)).migrate(on: pool)
        store = BillingStore(pool: pool, schema: self.schema)
    }

    /// Runs `body` with a fresh harness, then checks the invariant and drops the schema.
    static func with(_ body: (BillingHarness) async throws -> Void) async throws {
        let harness = try await BillingHarness()
        do {
            try await body(harness)
            try await harness.checkInvariant()
        } catch {
            try? await harness.drop()
            throw error
        }
        try await harness.drop()
    }

    /// The ledger's invariant: every transaction's postings sum to zero; every account's cached balance is
    /// the sum of its postings; a wallet's reserved amount is what its open reservations and its captured,
    /// not yet posted usage hold (then, once posted, its open reservations alone), and never more than its balance.
    func checkInvariant() async throws {
        try await checkInvariant(posted: false)
        try await store.postUsage(pool, projectID: nil)
        try await checkInvariant(posted: true)
    }

    private func checkInvariant(posted: Bool) async throws {
        let unbalanced = try await pool.query("""
            SELECT transaction_seq FROM \(schema).postings GROUP BY transaction_seq HAVING sum(amount_cents) <> 0
            """)
        #expect(unbalanced.isEmpty, "unbalanced ledger transactions")
        let empty = try await pool.query("""
            SELECT t.seq FROM \(schema).transactions t
            WHERE NOT EXISTS (SELECT 1 FROM \(schema).postings p WHERE p.transaction_seq = t.seq)
            """)
        #expect(empty.isEmpty, "ledger transactions without postings")
        let drift = try await pool.query("""
            SELECT a.project_id, a.kind FROM \(schema).accounts a
            LEFT JOIN (SELECT project_id, kind, sum(amount_cents) AS total FROM \(schema).postings
                       GROUP BY project_id, kind) p ON p.project_id = a.project_id AND p.kind = a.kind
            WHERE a.balance_cents <> COALESCE(p.total, 0)
            """)
        #expect(drift.isEmpty, "cached balances differ from the sums of postings")
        // Captured usage not yet posted stays held; once posted, only open reservations are.
        do {
            let held = try await pool.query("""
                SELECT a.project_id FROM \(schema).accounts a
                LEFT JOIN (SELECT project_id, sum(amount_cents) AS total FROM \(schema).reservations
                           WHERE status = 'open' GROUP BY project_id) r ON r.project_id = a.project_id
                LEFT JOIN (SELECT project_id, sum(amount_cents) AS total FROM \(schema).pending_usage
                           GROUP BY project_id) u ON u.project_id = a.project_id
                WHERE a.kind = 'wallet' AND (a.reserved_cents <> COALESCE(r.total, 0) + COALESCE(u.total, 0)
                                             OR a.balance_cents < a.reserved_cents)
                """)
            #expect(held.isEmpty, "reserved amounts differ from open reservations and pending usage, or a wallet is overdrawn (posted: \(posted))")
        }
    }

    /// A project on `plan` from now (first period free), or a trial; with `credit` cents in its wallet.
    @discardableResult
    func project(
        _ id: String = "prj_" + UUID().uuidString.prefix(8).lowercased(), plan: String? = nil, credit: Int64 = 0,
        referralCode: String? = nil
    ) async throws -> String {
        _ = try await store.setUpAccount(SetUpAccountRequest(projectID: id, plan: plan, referralCode: referralCode))
        if credit > 0 {
            _ = try await store.adjust(AdjustCreditsRequest(projectID: id, amountCents: credit, reason: "test credit"))
        }
        return id
    }

    /// A pay-as-you-go plan: nothing included, `cents` per email.
    func paygPlan(cents: Int64 = 3, includedEmail: Int64 = 0) async throws {
        _ = try await store.putPlan(PlanView(
            id: "payg", name: "Pay as you go", priceCents: 0, includedEmail: includedEmail, includedWhatsapp: 0,
            overageEmailCents: cents, overageWhatsappCents: 5, instances: 1, whiteLabel: false))
    }

    /// Moves the clock forward without running anything.
    func shiftClock(seconds: Int64) async throws {
        try await pool.execute("UPDATE \(schema).clock SET offset_seconds = offset_seconds + $1", [seconds])
    }

    func wallet(_ project: String) async throws -> WalletView { try await store.wallet(projectID: project) }

    /// How many ledger transactions (all projects).
    func transactionCount() async throws -> Int64 {
        try await pool.query("SELECT count(*)::bigint FROM \(schema).transactions").first!.decode(Int64.self, at: 0)
    }

    /// The project's wallet entries of `type`, oldest first.
    func entries(_ project: String, type: String? = nil) async throws -> [LedgerEntryView] {
        try await store.ledger(projectID: project, page: PageQuery(limit: 200)).data.filter { type == nil || $0.type == type }
            .reversed()
    }

    /// Waits (up to 20 s) until a session running a statement containing `fragment` waits on a lock, then
    /// terminates it (what a `kill -9` of its process looks like to PostgreSQL). Answers how many it terminated.
    func terminateWhenWaiting(_ fragment: String) async throws -> Int {
        for _ in 0..<800 {
            try await Task.sleep(for: .milliseconds(25))
            let killed = try await pool.query("""
                SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%' || $1 || '%'
                """, [fragment]).count
            if killed > 0 { return killed }
        }
        return 0
    }

    func drop() async throws {
        try await pool.execute("DROP SCHEMA \(schema) CASCADE")
        await pool.close()
    }
}

/// The public error `body` throws, or nil.
func publicError(_ body: () async throws -> some Any) async -> PublicError? {
    do {
        _ = try await body()
        return nil
    } catch {
        return PublicError.from(error)
    }
}

/// Runs the suite only with a test database.
enum BillingTestDatabase {
    static var isAvailable: Bool { BillingHarness.databaseURL != nil }
}
