import Contracts
import Foundation
import ServiceKit

extension BillingStore {
    /// The wallet, with the project's captured usage posted first (``postUsage(_:projectID:)``), in one transaction:
    /// `balance_cents` is the sum of its entries and `reserved_cents` what its open reservations hold.
    func wallet(projectID: String) async throws -> WalletView {
        try await pool.withTransaction { tx in
            try await ensureAccount(tx, projectID: projectID)
            try await postUsage(tx, projectID: projectID)
            let (balance, reserved, currency) = try await tx.query("""
                SELECT balance_cents, reserved_cents, currency FROM \(table("accounts"))
                WHERE project_id = $1 AND kind = 'wallet'
                """, [projectID]).first!.decode((Int64, Int64, String).self)
            return WalletView(balanceCents: balance, currency: currency, reservedCents: reserved)
        }
    }

    /// Writes the project's captured, not yet posted usage to the ledger (`post_usage`; every project when
    /// `projectID` is nil). Answers how many `usage` entries it wrote.
    @discardableResult
    func postUsage(_ client: some PostgresClient, projectID: String?) async throws -> Int {
        if let projectID {
            return try await client.query("SELECT \(schema).post_usage(ARRAY[$1::text])", [projectID]).first!.decode(Int.self, at: 0)
        }
        return try await client.query("SELECT \(schema).post_usage(NULL)").first!.decode(Int.self, at: 0)
    }

    /// The columns ``entry(_:)`` reads (postings `p` joined with transactions `t`).
    static let entryColumns = "p.seq, p.id, t.at, p.type, p.amount_cents, p.balance_after_cents, t.reference"

    static func entry(_ row: PostgresRow) throws -> LedgerEntryView {
        let (_, id, at, type, amount, after, reference) =
            try row.decode((Int64, String, Date, String, Int64, Int64, String?).self)
        return LedgerEntryView(id: id, at: at, type: type, amountCents: amount, balanceAfterCents: after, reference: reference)
    }

    /// The wallet's entries, newest first (by the order they were written); the cursor is a posting seq.
    /// The project's captured usage is posted first.
    func ledger(projectID: String, page: PageQuery) async throws -> Page<LedgerEntryView> {
        let before = page.cursor.flatMap(Int64.init) ?? Int64.max
        try await postUsage(pool, projectID: projectID)
        let rows = try await pool.query("""
            SELECT \(Self.entryColumns) FROM \(table("postings")) p
            JOIN \(table("transactions")) t ON t.seq = p.transaction_seq
            WHERE p.project_id = $1 AND p.kind = 'wallet' AND p.seq < $2
            ORDER BY p.seq DESC LIMIT $3
            """, [projectID, before, page.limit + 1])
        let entries = try rows.prefix(page.limit).map(Self.entry)
        let next = rows.count > page.limit ? String(try rows[page.limit - 1].decode(Int64.self, at: 0)) : nil
        return Page(data: entries, nextCursor: next)
    }

    /// An operator's adjustment: positive from promotions, negative down to what is available (400 with
    /// `field: amount_cents` otherwise). The same idempotency key answers the first entry.
    func adjust(_ request: AdjustCreditsRequest) async throws -> LedgerEntryView {
        guard request.amountCents != 0, abs(request.amountCents) <= BillingLimits.maximumCents else {
            throw PublicError.validation(
                "amount_cents", "amount_cents must be a non-zero whole number of cents, at most 10^9 either way.")
        }
        let reason = request.reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...500).contains(reason.count) else {
            throw PublicError.validation("reason", "reason must be 1 to 500 characters.")
        }
        let dedupe = request.idempotencyKey.map { "adjustment:\(request.projectID):\($0)" }
        return try await pool.withTransaction { tx in
            _ = try await lockSubscription(tx, projectID: request.projectID)
            if let dedupe, let seq = try await tx.query(
                "SELECT seq FROM \(table("transactions")) WHERE dedupe_key = $1", [dedupe]).first?.decode(Int64.self, at: 0) {
                return try await entry(tx, transaction: seq, projectID: request.projectID)
            }
            if request.amountCents < 0 {
                let available = try await tx.query("SELECT \(schema).available($1)", [request.projectID]).first!.decode(Int64.self, at: 0)
                guard available + request.amountCents >= 0 else {
                    throw PublicError.validation(
                        "amount_cents", "This adjustment would take the balance below zero (available: \(available)).")
                }
            }
            let seq = try await post(
                tx, projectID: request.projectID, type: "adjustment", reference: reason, dedupe: dedupe,
                wallet: request.amountCents, against: "promotions")
            try await tx.execute("SELECT \(schema).collect_due($1, \(schema).billing_now())", [request.projectID])
            return try await entry(tx, transaction: seq, projectID: request.projectID)
        }
    }

    /// One ledger transaction: `wallet` cents to the project's wallet, the opposite to its `against` account.
    func post(
        _ tx: PostgresTransaction, projectID: String, type: String, reference: String, dedupe: String?, wallet: Int64,
        against: String
    ) async throws -> Int64 {
        let seq = try await tx.query(
            "SELECT \(schema).begin_entry($1, $2, $3, $4, \(schema).billing_now())",
            [projectID, type, reference, dedupe]).first!.decode(Int64.self, at: 0)
        try await tx.execute("SELECT \(schema).post($1, $2, 'wallet', $3, $4)", [seq, projectID, type, wallet])
        try await tx.execute("SELECT \(schema).post($1, $2, $3, $4, $5)", [seq, projectID, against, type, -wallet])
        return seq
    }

    /// The wallet posting of ledger transaction `seq`.
    func entry(_ client: some PostgresClient, transaction seq: Int64, projectID: String) async throws -> LedgerEntryView {
        try Self.entry(try await client.query("""
            SELECT \(Self.entryColumns) FROM \(table("postings")) p
            JOIN \(table("transactions")) t ON t.seq = p.transaction_seq
            WHERE p.transaction_seq = $1 AND p.project_id = $2 AND p.kind = 'wallet'
            """, [seq, projectID]).first!)
    }

    /// The project's referral code and commissions.
    func referrals(projectID: String) async throws -> ReferralsView {
        try await ensureAccount(pool, projectID: projectID)
        let row = try await pool.query("""
            SELECT s.referral_code,
                (SELECT count(*) FROM \(table("subscriptions")) WHERE referred_by = s.project_id)::bigint,
                (SELECT count(*) FROM \(table("subscriptions")) r2 JOIN \(table("subscriptions")) r1
                    ON r2.referred_by = r1.project_id WHERE r1.referred_by = s.project_id)::bigint,
                COALESCE((SELECT sum(amount_cents) FROM \(table("postings"))
                    WHERE project_id = s.project_id AND kind = 'wallet' AND type = 'commission'), 0)::bigint,
                COALESCE((SELECT sum(p.amount_cents) FROM \(table("postings")) p
                    JOIN \(table("transactions")) t ON t.seq = p.transaction_seq
                    WHERE p.project_id = s.project_id AND p.kind = 'wallet' AND p.type = 'commission'
                      AND t.at >= s.period_start), 0)::bigint
            FROM \(table("subscriptions")) s WHERE s.project_id = $1
            """, [projectID]).first!
        let (code, level1, level2, total, thisPeriod) = try row.decode((String, Int64, Int64, Int64, Int64).self)
        return ReferralsView(
            code: code, level1: Int(level1), level2: Int(level2), earnedCentsTotal: total, earnedCentsThisPeriod: thisPeriod)
    }
}
