/// Accounts and the double-entry ledger.
///
/// Every account is a project's: `wallet` (what the project holds, never below what its open reservations
/// hold), `revenue` (what the platform earned from it), `promotions` (operators' credits and debits),
/// `commissions` (commissions paid because of it), `clearing` (the payment provider's money for it). The
/// platform's totals are sums over projects, so no posting ever waits on a platform-wide hot row.
///
/// A transaction's postings sum to zero (a deferred constraint trigger checks at commit); transactions and
/// postings are never updated or deleted (triggers refuse it); an account's `balance_cents` is kept by the
/// posting trigger, and `balance_after_cents` of each posting is that account's balance right after it.
enum BillingLedgerSQL {
    /// The statements for schema `s`.
    static func sql(_ s: String) -> String {
        """
        CREATE TABLE \(s).accounts (
            project_id text NOT NULL,
            kind text NOT NULL CHECK (kind IN ('wallet', 'revenue', 'promotions', 'commissions', 'clearing')),
            currency text NOT NULL DEFAULT 'USD',
            balance_cents bigint NOT NULL DEFAULT 0,
            reserved_cents bigint NOT NULL DEFAULT 0,
            PRIMARY KEY (project_id, kind),
            CHECK (reserved_cents >= 0 AND (kind <> 'wallet' OR balance_cents >= reserved_cents)),
            CHECK (kind = 'wallet' OR reserved_cents = 0)
        );
        CREATE TABLE \(s).transactions (
            seq bigserial PRIMARY KEY,
            id text NOT NULL UNIQUE,
            project_id text NOT NULL,
            type text NOT NULL CHECK (type IN ('topup', 'plan_charge', 'usage', 'commission', 'refund', 'adjustment')),
            reference text,
            dedupe_key text UNIQUE,
            at timestamptz NOT NULL
        );
        CREATE TABLE \(s).postings (
            seq bigserial PRIMARY KEY,
            id text NOT NULL UNIQUE DEFAULT 'led_' || replace(gen_random_uuid()::text, '-', ''),
            transaction_seq bigint NOT NULL REFERENCES \(s).transactions (seq),
            project_id text NOT NULL,
            kind text NOT NULL,
            type text NOT NULL CHECK (type IN ('topup', 'plan_charge', 'usage', 'commission', 'refund', 'adjustment')),
            amount_cents bigint NOT NULL CHECK (amount_cents <> 0),
            balance_after_cents bigint NOT NULL DEFAULT 0,
            FOREIGN KEY (project_id, kind) REFERENCES \(s).accounts (project_id, kind)
        );
        CREATE INDEX postings_account ON \(s).postings (project_id, kind, seq DESC);
        CREATE INDEX postings_transaction ON \(s).postings (transaction_seq);

        -- The cached balance moves with every posting, in the posting's own statement.
        CREATE FUNCTION \(s).posting_applies() RETURNS trigger LANGUAGE plpgsql AS $fn$
        BEGIN
            UPDATE \(s).accounts SET balance_cents = balance_cents + NEW.amount_cents
            WHERE project_id = NEW.project_id AND kind = NEW.kind
            RETURNING balance_cents INTO NEW.balance_after_cents;
            IF NOT FOUND THEN
                INSERT INTO \(s).accounts (project_id, kind, balance_cents)
                VALUES (NEW.project_id, NEW.kind, NEW.amount_cents)
                RETURNING balance_cents INTO NEW.balance_after_cents;
            END IF;
            RETURN NEW;
        END
        $fn$;
        CREATE TRIGGER postings_apply BEFORE INSERT ON \(s).postings
            FOR EACH ROW EXECUTE FUNCTION \(s).posting_applies();

        -- Balanced: checked at commit, once the whole transaction's postings are in.
        CREATE FUNCTION \(s).transaction_balances() RETURNS trigger LANGUAGE plpgsql AS $fn$
        DECLARE
            total bigint;
        BEGIN
            SELECT sum(amount_cents) INTO total FROM \(s).postings WHERE transaction_seq = NEW.transaction_seq;
            IF total <> 0 THEN
                RAISE EXCEPTION 'ledger transaction % does not balance (%)', NEW.transaction_seq, total
                    USING ERRCODE = '23514';
            END IF;
            RETURN NULL;
        END
        $fn$;
        CREATE CONSTRAINT TRIGGER postings_balance AFTER INSERT ON \(s).postings
            DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION \(s).transaction_balances();

        -- Immutable: corrections are new entries.
        CREATE FUNCTION \(s).ledger_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $fn$
        BEGIN
            RAISE EXCEPTION 'the ledger is append-only (% on %)', TG_OP, TG_TABLE_NAME USING ERRCODE = '42501';
        END
        $fn$;
        CREATE TRIGGER transactions_immutable BEFORE UPDATE OR DELETE ON \(s).transactions
            FOR EACH ROW EXECUTE FUNCTION \(s).ledger_is_append_only();
        CREATE TRIGGER transactions_no_truncate BEFORE TRUNCATE ON \(s).transactions
            FOR EACH STATEMENT EXECUTE FUNCTION \(s).ledger_is_append_only();
        CREATE TRIGGER postings_immutable BEFORE UPDATE OR DELETE ON \(s).postings
            FOR EACH ROW EXECUTE FUNCTION \(s).ledger_is_append_only();
        CREATE TRIGGER postings_no_truncate BEFORE TRUNCATE ON \(s).postings
            FOR EACH STATEMENT EXECUTE FUNCTION \(s).ledger_is_append_only();

        -- A new transaction row; its postings follow in the same database transaction.
        CREATE FUNCTION \(s).begin_entry(p_project text, p_type text, p_reference text, p_dedupe text, p_at timestamptz)
        RETURNS bigint LANGUAGE sql AS $fn$
            INSERT INTO \(s).transactions (id, project_id, type, reference, dedupe_key, at)
            VALUES ('ltx_' || replace(gen_random_uuid()::text, '-', ''), p_project, p_type, p_reference, p_dedupe, p_at)
            RETURNING seq
        $fn$;
        CREATE FUNCTION \(s).post(p_tx bigint, p_project text, p_kind text, p_type text, p_amount bigint)
        RETURNS void LANGUAGE sql AS $fn$
            INSERT INTO \(s).postings (transaction_seq, project_id, kind, type, amount_cents)
            VALUES (p_tx, p_project, p_kind, p_type, p_amount)
        $fn$;

        """
    }
}
