/// Captured usage posted per project, not per capture (migration 6). A capture batch only marks its reservations
/// `captured` and adds their cents to `pending_usage` (one row per project, period and meter), which stay held in
/// the wallet's `reserved_cents`; `post_usage` later moves each pending row to the ledger as one `usage`
/// transaction (wallet → revenue, out of `reserved_cents`) — on every read of the project's wallet or ledger, at each
/// renewal, and for every project on each run of the cycle. Available credit (balance less reserved) is the same
/// before and after posting, so the no-overdraft argument is unchanged; a capture no longer touches accounts or the
/// ledger, so captures and reservations of one project no longer wait on each other's wallet lock.
///
/// `post_usage` reads the balances of the accounts it locks, so the postings' `balance_after_cents` come from those
/// values rather than from a join with `accounts` (which PostgreSQL planned as a scan of every account of the kind),
/// and creates accounts only when the lock finds fewer than it needs (a project's first usage).
///
/// Lock order: a capture batch locks reservations (id order), then pending rows ((project, period, meter) order);
/// `post_usage` locks pending rows, then accounts (project order). No path holding an account waits on a pending
/// row, and none holding a pending row waits on a reservation, so no cycle can form.
enum BillingUsagePostingSQL {
    /// The statements for schema `s`.
    static func sql(_ s: String) -> String {
        """
        CREATE TABLE \(s).pending_usage (
            project_id text NOT NULL,
            period_start timestamptz NOT NULL,
            meter text NOT NULL,
            amount_cents bigint NOT NULL CHECK (amount_cents > 0),
            units bigint NOT NULL,
            reservations bigint NOT NULL,
            first_reservation text NOT NULL,
            last_at timestamptz NOT NULL,
            PRIMARY KEY (project_id, period_start, meter)
        );

        CREATE OR REPLACE FUNCTION \(s).settle_many(p_action text, p_ids text[], p_now timestamptz)
        RETURNS TABLE (o_id text, o_status text) LANGUAGE plpgsql AS $fn$
        DECLARE
            i integer;
            c_open text[];
            c_projects text[]; c_periods timestamptz[]; c_meters text[]; c_amounts bigint[]; c_units bigint[];
            c_ids text[];
        BEGIN
            IF p_action <> 'capture' THEN
                FOR i IN 1 .. coalesce(array_length(p_ids, 1), 0) LOOP
                    o_id := p_ids[i];
                    o_status := \(s).release(p_ids[i], p_now);
                    RETURN NEXT;
                END LOOP;
                RETURN;
            END IF;
            -- Locked in id order: two batches never wait on each other in a cycle.
            WITH l AS (
                SELECT r.id, r.project_id, r.period_start, r.meter, r.amount_cents, r.overage_units, r.status
                FROM \(s).reservations r
                WHERE r.id IN (SELECT x FROM unnest(p_ids) AS x)
                ORDER BY r.id FOR UPDATE OF r)
            SELECT array_agg(l.id) FILTER (WHERE l.status = 'open'),
                   array_agg(l.project_id) FILTER (WHERE l.status = 'open' AND l.amount_cents > 0),
                   array_agg(l.period_start) FILTER (WHERE l.status = 'open' AND l.amount_cents > 0),
                   array_agg(l.meter) FILTER (WHERE l.status = 'open' AND l.amount_cents > 0),
                   array_agg(l.amount_cents) FILTER (WHERE l.status = 'open' AND l.amount_cents > 0),
                   array_agg(l.overage_units) FILTER (WHERE l.status = 'open' AND l.amount_cents > 0),
                   array_agg(l.id) FILTER (WHERE l.status = 'open' AND l.amount_cents > 0)
            INTO c_open, c_projects, c_periods, c_meters, c_amounts, c_units, c_ids
            FROM l;
            IF c_open IS NOT NULL THEN
                UPDATE \(s).reservations r SET status = 'captured', settled_at = p_now
                FROM unnest(c_open) AS x (id) WHERE r.id = x.id;
            END IF;
            IF c_ids IS NOT NULL THEN
                -- The captured cents wait in pending_usage (still held in the wallet's reserved_cents) until
                -- post_usage writes them to the ledger; rows in (project, period, meter) order.
                INSERT INTO \(s).pending_usage AS pu
                    (project_id, period_start, meter, amount_cents, units, reservations, first_reservation, last_at)
                SELECT x.p, x.ps, x.m, sum(x.amount)::bigint, sum(x.units)::bigint, count(*), min(x.id), p_now
                FROM unnest(c_projects, c_periods, c_meters, c_amounts, c_units, c_ids) AS x (p, ps, m, amount, units, id)
                GROUP BY x.p, x.ps, x.m
                ORDER BY x.p, x.ps, x.m
                ON CONFLICT (project_id, period_start, meter) DO UPDATE
                SET amount_cents = pu.amount_cents + EXCLUDED.amount_cents, units = pu.units + EXCLUDED.units,
                    reservations = pu.reservations + EXCLUDED.reservations, last_at = EXCLUDED.last_at;
            END IF;
            RETURN QUERY
                SELECT x.id, COALESCE(r.status, 'unknown')
                FROM unnest(p_ids) WITH ORDINALITY AS x (id, o)
                LEFT JOIN \(s).reservations r ON r.id = x.id
                ORDER BY x.o;
        END
        $fn$;
        ALTER FUNCTION \(s).settle_many(text, text[], timestamptz) SET enable_seqscan = off;

        -- Captured usage to the ledger: one `usage` transaction per pending (project, period, meter) — wallet to
        -- revenue, out of the wallet's reserved_cents — for the given projects (NULL: every project), at most 1,000
        -- per call. Answers how many entries it wrote. Lock order: pending rows, then accounts (project order,
        -- `revenue` before `wallet`).
        CREATE FUNCTION \(s).post_usage(p_projects text[]) RETURNS integer LANGUAGE plpgsql AS $fn$
        DECLARE
            g_project text[]; g_meter text[]; g_amount bigint[]; g_units bigint[]; g_n bigint[]; g_first text[];
            g_at timestamptz[]; g_distinct text[]; a_key text[]; a_balance bigint[];
        BEGIN
            -- Up to 1,000 pending rows, locked in (project, period, meter) order, then taken.
            WITH l AS (
                SELECT pu.project_id, pu.period_start, pu.meter FROM \(s).pending_usage pu
                WHERE p_projects IS NULL OR pu.project_id = ANY (p_projects)
                ORDER BY pu.project_id, pu.period_start, pu.meter LIMIT 1000 FOR UPDATE OF pu),
            d AS (
                DELETE FROM \(s).pending_usage pu USING l
                WHERE pu.project_id = l.project_id AND pu.period_start = l.period_start AND pu.meter = l.meter
                RETURNING pu.*)
            SELECT array_agg(d.project_id ORDER BY d.project_id, d.period_start, d.meter),
                   array_agg(d.meter ORDER BY d.project_id, d.period_start, d.meter),
                   array_agg(d.amount_cents ORDER BY d.project_id, d.period_start, d.meter),
                   array_agg(d.units ORDER BY d.project_id, d.period_start, d.meter),
                   array_agg(d.reservations ORDER BY d.project_id, d.period_start, d.meter),
                   array_agg(d.first_reservation ORDER BY d.project_id, d.period_start, d.meter),
                   array_agg(d.last_at ORDER BY d.project_id, d.period_start, d.meter)
            INTO g_project, g_meter, g_amount, g_units, g_n, g_first, g_at
            FROM d;
            IF g_project IS NOT NULL THEN
                -- The accounts this moves, locked in project order (`revenue` before `wallet`) with their
                -- balances; created first only when some are missing (a project's first usage).
                SELECT array_agg(DISTINCT x) INTO g_distinct FROM unnest(g_project) AS x;
                FOR attempt IN 1 .. 2 LOOP
                    WITH l AS (
                        SELECT a.project_id, a.kind, a.balance_cents FROM \(s).accounts a
                        WHERE a.project_id = ANY (g_distinct) AND a.kind IN ('revenue', 'wallet')
                        ORDER BY a.project_id, a.kind FOR UPDATE OF a)
                    SELECT array_agg(l.project_id || ' ' || l.kind), array_agg(l.balance_cents) INTO a_key, a_balance
                    FROM l;
                    EXIT WHEN coalesce(cardinality(a_key), 0) = 2 * cardinality(g_distinct) OR attempt = 2;
                    INSERT INTO \(s).accounts (project_id, kind)
                    SELECT x, k FROM unnest(g_distinct) AS x CROSS JOIN (VALUES ('revenue'), ('wallet')) AS v (k)
                    ORDER BY 1, 2
                    ON CONFLICT DO NOTHING;
                END LOOP;
                UPDATE \(s).accounts a SET reserved_cents = a.reserved_cents - x.amount
                FROM (SELECT y.p, sum(y.amount)::bigint AS amount FROM unnest(g_project, g_amount) AS y (p, amount)
                      GROUP BY y.p) AS x
                WHERE a.project_id = x.p AND a.kind = 'wallet';
                WITH t AS (
                    INSERT INTO \(s).transactions (id, project_id, type, reference, dedupe_key, at)
                    SELECT 'ltx_' || replace(gen_random_uuid()::text, '-', ''), g.p, 'usage',
                           g.units || ' ' || g.m || ' ('
                               || CASE WHEN g.n = 1 THEN g.first ELSE g.n || ' reservations' END || ')',
                           'capture:' || g.first, g.at
                    FROM unnest(g_project, g_meter, g_units, g_n, g_first, g_at) WITH ORDINALITY AS g (p, m, units, n, first, at, o)
                    ORDER BY g.o
                    RETURNING seq, project_id, dedupe_key)
                INSERT INTO \(s).postings (transaction_seq, project_id, kind, type, amount_cents, balance_after_cents)
                SELECT t.seq, t.project_id, k.kind, 'usage', k.sign * g.amount,
                       a.balance + sum(k.sign * g.amount) OVER (PARTITION BY t.project_id, k.kind ORDER BY t.seq)
                FROM t JOIN unnest(g_first, g_amount) AS g (first, amount) ON t.dedupe_key = 'capture:' || g.first
                CROSS JOIN (VALUES ('wallet', -1, 1), ('revenue', 1, 2)) AS k (kind, sign, o)
                JOIN unnest(a_key, a_balance) AS a (key, balance) ON a.key = t.project_id || ' ' || k.kind
                ORDER BY t.seq, k.o;
            END IF;
            RETURN coalesce(cardinality(g_project), 0);
        END
        $fn$;
        ALTER FUNCTION \(s).post_usage(text[]) SET enable_seqscan = off;

        """
    }
}
