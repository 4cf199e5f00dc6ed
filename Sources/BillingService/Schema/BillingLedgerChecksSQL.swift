/// The ledger's integrity checks, once per ledger transaction and once per statement instead of once per posting
/// (migration 6; they replace the postings' two foreign keys and the per-posting deferred balance check of
/// ``BillingLedgerSQL``, which together were about a third of a capture batch's time):
///
/// - **A transaction is written by one database transaction.** `transactions.created_xid` is the database
///   transaction that inserted the row (`pg_current_xact_id()`), and the postings statement trigger refuses
///   (23503) any posting whose ledger transaction is missing or was made by another database transaction. So a
///   committed ledger transaction is closed for good: nothing can be added to it later, balanced or not.
/// - **Balanced and never empty, at commit.** A deferred constraint trigger on `transactions` (one call per
///   ledger transaction, not per posting) checks at commit that it has at least two postings and that they sum to
///   zero (23514 otherwise: the whole database transaction rolls back).
/// - **Every posting's account exists.** The statement trigger adds the postings to their accounts' cached
///   balances; an account the update did not find is created by the same statement with the postings' sum (the
///   `accounts` checks still refuse a wallet below what it holds). An account with postings is never deleted (an
///   account that never moved money may be: onboarding's undo), and `accounts` is never truncated.
/// - Unchanged: `balance_after_cents` must be the account's balance before the statement plus the running sum of
///   its postings (23514), and transactions and postings are append-only.
enum BillingLedgerChecksSQL {
    /// The statements for schema `s`.
    static func sql(_ s: String) -> String {
        """
        ALTER TABLE \(s).transactions ADD COLUMN created_xid xid8;
        ALTER TABLE \(s).transactions ALTER COLUMN created_xid SET DEFAULT pg_current_xact_id();
        ALTER TABLE \(s).postings DROP CONSTRAINT postings_transaction_seq_fkey;
        ALTER TABLE \(s).postings DROP CONSTRAINT postings_project_id_kind_fkey;
        DROP TRIGGER postings_balance ON \(s).postings;
        DROP FUNCTION \(s).transaction_balances();

        CREATE FUNCTION \(s).transaction_closes() RETURNS trigger LANGUAGE plpgsql AS $fn$
        DECLARE
            v_count bigint;
            v_total bigint;
        BEGIN
            SELECT count(*), coalesce(sum(amount_cents), 0) INTO v_count, v_total
            FROM \(s).postings WHERE transaction_seq = NEW.seq;
            IF v_count < 2 OR v_total <> 0 THEN
                RAISE EXCEPTION 'ledger transaction % does not balance (% postings, sum %)', NEW.seq, v_count, v_total
                    USING ERRCODE = '23514';
            END IF;
            RETURN NULL;
        END
        $fn$;
        CREATE CONSTRAINT TRIGGER transactions_balance AFTER INSERT ON \(s).transactions
            DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION \(s).transaction_closes();

        -- What the foreign key from postings did: an account with postings is never deleted.
        CREATE FUNCTION \(s).account_is_kept() RETURNS trigger LANGUAGE plpgsql AS $fn$
        BEGIN
            IF EXISTS (SELECT 1 FROM \(s).postings WHERE project_id = OLD.project_id AND kind = OLD.kind) THEN
                RAISE EXCEPTION 'account %/% has postings and is kept', OLD.project_id, OLD.kind USING ERRCODE = '23503';
            END IF;
            RETURN OLD;
        END
        $fn$;
        CREATE TRIGGER accounts_kept BEFORE DELETE ON \(s).accounts
            FOR EACH ROW EXECUTE FUNCTION \(s).account_is_kept();
        CREATE TRIGGER accounts_no_truncate BEFORE TRUNCATE ON \(s).accounts
            FOR EACH STATEMENT EXECUTE FUNCTION \(s).ledger_is_append_only();

        CREATE OR REPLACE FUNCTION \(s).postings_apply() RETURNS trigger LANGUAGE plpgsql AS $fn$
        DECLARE
            v_wrong bigint;
        BEGIN
            SELECT count(*) INTO v_wrong
            FROM new_postings n LEFT JOIN \(s).transactions t ON t.seq = n.transaction_seq
            WHERE t.created_xid IS DISTINCT FROM pg_current_xact_id();
            IF v_wrong > 0 THEN
                RAISE EXCEPTION '% postings name a ledger transaction that is missing or already committed', v_wrong
                    USING ERRCODE = '23503';
            END IF;
            WITH d AS (
                SELECT n.project_id, n.kind, sum(n.amount_cents)::bigint AS delta
                FROM new_postings n GROUP BY n.project_id, n.kind),
            u AS (
                UPDATE \(s).accounts a SET balance_cents = a.balance_cents + d.delta
                FROM d WHERE a.project_id = d.project_id AND a.kind = d.kind
                RETURNING a.project_id, a.kind, a.balance_cents - d.delta AS before),
            m AS (
                INSERT INTO \(s).accounts (project_id, kind, balance_cents)
                SELECT d.project_id, d.kind, d.delta FROM d
                WHERE NOT EXISTS (SELECT 1 FROM u WHERE u.project_id = d.project_id AND u.kind = d.kind)
                ORDER BY 1, 2
                ON CONFLICT DO NOTHING
                RETURNING project_id, kind, 0::bigint AS before),
            b AS (
                SELECT u.project_id, u.kind, u.before FROM u
                UNION ALL SELECT m.project_id, m.kind, m.before FROM m)
            SELECT count(*) INTO v_wrong
            FROM (SELECT n.balance_after_cents,
                         b.before + sum(n.amount_cents) OVER (PARTITION BY n.project_id, n.kind ORDER BY n.seq) AS running
                  FROM new_postings n LEFT JOIN b ON b.project_id = n.project_id AND b.kind = n.kind) AS x
            WHERE x.running IS DISTINCT FROM x.balance_after_cents;
            IF v_wrong > 0 THEN
                RAISE EXCEPTION '% postings with a wrong balance_after_cents', v_wrong USING ERRCODE = '23514';
            END IF;
            RETURN NULL;
        END
        $fn$;
        ALTER FUNCTION \(s).postings_apply() SET enable_seqscan = off;

        """
    }
}
