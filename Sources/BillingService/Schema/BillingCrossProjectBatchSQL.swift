/// Group commit's batches across projects (replacing ``BillingGroupedBatchSQL``'s loop over project groups): a
/// batch spanning many projects costs about what one spanning one project costs — a fixed number of set-based
/// statements per batch, not per project — with the same answers as calling `reserve` / `capture` one by one in
/// the batch's order.
///
/// - `reserve_many`: one `SELECT … FOR UPDATE` locks the batch's subscriptions in project order, one reads the
///   `active`, metered projects' available credit, one locks their usage rows (creating the missing ones first);
///   every call is then decided in memory in the batch's order (included units first, then overage against the
///   wallet's available credit less what earlier calls of the project took); the results are written with one
///   multi-row wallet update (wallets locked first in project order; still conditional: `balance_cents -
///   reserved_cents >= held`), one multi-row usage
///   update and one multi-row insert of the reservations. Calls of any other project (trialing, locked, past
///   due, metering off, unknown) go one by one through `reserve`, under the subscription lock already held.
/// - `settle_many('capture', …)`: one `SELECT … ORDER BY id FOR UPDATE` locks the batch's reservations in id
///   order, one update captures the open ones; per project and meter the batch's overage becomes **one `usage`
///   ledger transaction** (reference `"<units> <meter> (<n> reservations)"`, dedupe key `capture:<first
///   reservation id>`; a group of one writes exactly the entry `capture` writes), all inserted by one statement
///   with their postings by another; the wallets' `reserved_cents` move by one multi-row update. Releases still
///   go one by one (`release`).
///
/// Lock order: subscriptions (project order) → usage → wallets (project order); a capture batch: reservations
/// (id order) → accounts (project order, each project's `revenue` then `wallet`). No other path waits on a
/// subscription while holding a wallet, so two batches, or a batch and a single call, never wait on each other
/// in a cycle.
enum BillingCrossProjectBatchSQL {
    /// The statements for schema `s`.
    static func sql(_ s: String) -> String {
        """
        -- Cached balances move once per statement, not once per posting row: the inserting statement gives each
        -- posting its balance_after_cents (the account's balance, read under a lock, plus the running sum of the
        -- statement's postings), and this trigger creates missing accounts, adds each account's sum to its cached
        -- balance (the accounts CHECK still refuses an overdraft) and refuses the statement (23514) unless every
        -- posting's balance_after_cents is the balance before plus the running sum up to it.
        DROP TRIGGER postings_apply ON \(s).postings;
        DROP FUNCTION \(s).posting_applies();
        CREATE FUNCTION \(s).postings_apply() RETURNS trigger LANGUAGE plpgsql AS $fn$
        DECLARE
            v_wrong bigint;
        BEGIN
            INSERT INTO \(s).accounts (project_id, kind)
            SELECT DISTINCT n.project_id, n.kind FROM new_postings n ORDER BY 1, 2
            ON CONFLICT DO NOTHING;
            WITH d AS (
                SELECT n.project_id, n.kind, sum(n.amount_cents)::bigint AS delta
                FROM new_postings n GROUP BY n.project_id, n.kind),
            u AS (
                UPDATE \(s).accounts a SET balance_cents = a.balance_cents + d.delta
                FROM d WHERE a.project_id = d.project_id AND a.kind = d.kind
                RETURNING a.project_id, a.kind, a.balance_cents - d.delta AS before)
            SELECT count(*) INTO v_wrong
            FROM (SELECT n.balance_after_cents,
                         u.before + sum(n.amount_cents) OVER (PARTITION BY n.project_id, n.kind ORDER BY n.seq) AS running
                  FROM new_postings n LEFT JOIN u ON u.project_id = n.project_id AND u.kind = n.kind) AS x
            WHERE x.running IS DISTINCT FROM x.balance_after_cents;
            IF v_wrong > 0 THEN
                RAISE EXCEPTION '% postings with a wrong balance_after_cents', v_wrong USING ERRCODE = '23514';
            END IF;
            RETURN NULL;
        END
        $fn$;
        CREATE TRIGGER postings_apply AFTER INSERT ON \(s).postings REFERENCING NEW TABLE AS new_postings
            FOR EACH STATEMENT EXECUTE FUNCTION \(s).postings_apply();
        -- One posting; the account is locked (created first when missing) so its balance cannot move before commit.
        CREATE OR REPLACE FUNCTION \(s).post(p_tx bigint, p_project text, p_kind text, p_type text, p_amount bigint)
        RETURNS void LANGUAGE plpgsql AS $fn$
        DECLARE
            v_balance bigint;
        BEGIN
            SELECT balance_cents INTO v_balance FROM \(s).accounts
            WHERE project_id = p_project AND kind = p_kind FOR UPDATE;
            IF NOT FOUND THEN
                INSERT INTO \(s).accounts (project_id, kind) VALUES (p_project, p_kind) ON CONFLICT DO NOTHING;
                SELECT balance_cents INTO v_balance FROM \(s).accounts
                WHERE project_id = p_project AND kind = p_kind FOR UPDATE;
            END IF;
            INSERT INTO \(s).postings (transaction_seq, project_id, kind, type, amount_cents, balance_after_cents)
            VALUES (p_tx, p_project, p_kind, p_type, p_amount, v_balance + p_amount);
        END
        $fn$;

        CREATE OR REPLACE FUNCTION \(s).reserve_many(p_projects text[], p_meters text[], p_units bigint[], p_ids text[],
                                                   p_now timestamptz)
        RETURNS TABLE (o_id text, o_outcome text, o_available bigint, o_amount bigint) LANGUAGE plpgsql AS $fn$
        DECLARE
            n integer := coalesce(array_length(p_ids, 1), 0);
            -- One entry per project with a subscription, in project order.
            f_project text[]; f_fast boolean[]; f_period timestamptz[]; f_index integer[];
            f_price_email bigint[]; f_price_whatsapp bigint[]; f_inc_email bigint[]; f_inc_whatsapp bigint[];
            f_avail bigint[]; f_held bigint[];
            w_project text[]; w_avail bigint[];
            -- One entry per usage row (fast project and meter) the batch touches.
            u_key text[]; u_project text[]; u_period timestamptz[]; u_meter text[]; u_inc bigint[]; u_used bigint[];
            u_start bigint[]; u_ovu bigint[]; u_ovc bigint[]; u_mask integer[]; u_added integer[];
            v_missing boolean;
            -- The calls reserved through the fast path.
            ok_ids text[] := '{}'; ok_projects text[] := '{}'; ok_periods timestamptz[] := '{}'; ok_meters text[] := '{}';
            ok_units bigint[] := '{}'; ok_over bigint[] := '{}'; ok_amount bigint[] := '{}';
            k integer; gi integer; ui integer; wi integer; t integer; b integer;
            v_over bigint; v_cost bigint; v_rows bigint; v_wallets bigint;
            r record;
        BEGIN
            IF n = 0 THEN
                RETURN;
            END IF;
            WITH l AS (
                SELECT s.project_id, s.status, s.metering, s.plan, s.period_start, s.period_index
                FROM \(s).subscriptions s
                WHERE s.project_id IN (SELECT DISTINCT x FROM unnest(p_projects) AS x)
                ORDER BY s.project_id FOR UPDATE OF s)
            SELECT array_agg(l.project_id ORDER BY l.project_id),
                   array_agg(l.status = 'active' AND l.metering AND p.id IS NOT NULL ORDER BY l.project_id),
                   array_agg(l.period_start ORDER BY l.project_id), array_agg(l.period_index ORDER BY l.project_id),
                   array_agg(coalesce(p.overage_email_cents, 0) ORDER BY l.project_id),
                   array_agg(coalesce(p.overage_whatsapp_cents, 0) ORDER BY l.project_id),
                   array_agg(coalesce(p.included_email, 0) ORDER BY l.project_id),
                   array_agg(coalesce(p.included_whatsapp, 0) ORDER BY l.project_id)
            INTO f_project, f_fast, f_period, f_index, f_price_email, f_price_whatsapp, f_inc_email, f_inc_whatsapp
            FROM l LEFT JOIN \(s).plans p ON p.id = l.plan;
            f_project := coalesce(f_project, '{}');
            f_avail := array_fill(0::bigint, ARRAY[greatest(cardinality(f_project), 1)]);
            f_held := f_avail;
            IF true = ANY (f_fast) THEN
                -- The fast projects' available credit: read without a lock (only a capture changes a wallet
                -- without the subscription lock, and it moves balance and reserved alike); locked at the end.
                SELECT array_agg(a.project_id), array_agg(a.balance_cents - a.reserved_cents) INTO w_project, w_avail
                FROM \(s).accounts a
                WHERE a.kind = 'wallet' AND a.project_id IN (
                    SELECT x.p FROM unnest(f_project, f_fast) AS x (p, fast) WHERE x.fast);
                FOR wi IN 1 .. coalesce(cardinality(w_project), 0) LOOP
                    f_avail[array_position(f_project, w_project[wi])] := w_avail[wi];
                END LOOP;
                -- Their usage rows for the batch's meters: created when missing, then locked.
                FOR attempt IN 1 .. 2 LOOP
                    WITH k AS (
                        SELECT DISTINCT x.p, x.m FROM unnest(p_projects, p_meters) AS x (p, m)),
                    f AS (
                        SELECT x.* FROM unnest(f_project, f_fast, f_period, f_inc_email, f_inc_whatsapp)
                            AS x (p, fast, period, inc_email, inc_whatsapp)
                        WHERE x.fast),
                    u AS (
                        SELECT u.project_id, u.period_start, u.meter, u.included, u.used, u.overage_units,
                               u.overage_cents, u.thresholds
                        FROM k JOIN f ON f.p = k.p
                        JOIN \(s).usage u ON u.project_id = k.p AND u.period_start = f.period AND u.meter = k.m
                        ORDER BY u.project_id, u.meter FOR UPDATE OF u)
                    SELECT array_agg(u.project_id || ' ' || u.meter), array_agg(u.project_id), array_agg(u.period_start),
                           array_agg(u.meter), array_agg(u.included), array_agg(u.used), array_agg(u.overage_units),
                           array_agg(u.overage_cents),
                           array_agg((70 = ANY (u.thresholds))::integer | (85 = ANY (u.thresholds))::integer * 2
                                     | (95 = ANY (u.thresholds))::integer * 4),
                           (SELECT count(*) FROM k JOIN f ON f.p = k.p) > count(u.*)
                    INTO u_key, u_project, u_period, u_meter, u_inc, u_used, u_ovu, u_ovc, u_mask, v_missing
                    FROM u;
                    EXIT WHEN NOT v_missing OR attempt = 2;
                    INSERT INTO \(s).usage (project_id, period_start, meter, included)
                    SELECT k.p, f.period, k.m, CASE k.m WHEN 'email' THEN f.inc_email ELSE f.inc_whatsapp END
                    FROM (SELECT DISTINCT x.p, x.m FROM unnest(p_projects, p_meters) AS x (p, m)) AS k
                    JOIN unnest(f_project, f_fast, f_period, f_inc_email, f_inc_whatsapp)
                        AS f (p, fast, period, inc_email, inc_whatsapp) ON f.p = k.p AND f.fast
                    ORDER BY k.p, k.m
                    ON CONFLICT DO NOTHING;
                END LOOP;
                u_key := coalesce(u_key, '{}');
                u_start := u_used;
                u_added := array_fill(0, ARRAY[greatest(cardinality(u_key), 1)]);
            END IF;
            FOR k IN 1 .. n LOOP
                gi := array_position(f_project, p_projects[k]);
                ui := CASE WHEN gi IS NOT NULL AND f_fast[gi] THEN array_position(u_key, p_projects[k] || ' ' || p_meters[k]) END;
                IF ui IS NULL THEN
                    SELECT * INTO r FROM \(s).reserve(p_projects[k], p_meters[k], p_units[k], p_ids[k], p_now);
                    o_id := p_ids[k];
                    o_outcome := r.o_outcome;
                    o_available := r.o_available;
                    o_amount := r.o_amount;
                    RETURN NEXT;
                    CONTINUE;
                END IF;
                v_over := greatest(p_units[k] - greatest(u_inc[ui] - u_used[ui], 0), 0);
                v_cost := v_over * CASE p_meters[k] WHEN 'email' THEN f_price_email[gi] ELSE f_price_whatsapp[gi] END;
                o_id := p_ids[k];
                IF v_cost > f_avail[gi] THEN
                    o_outcome := 'insufficient';
                    o_available := f_avail[gi];
                    o_amount := 0;
                    RETURN NEXT;
                    CONTINUE;
                END IF;
                f_avail[gi] := f_avail[gi] - v_cost;
                f_held[gi] := f_held[gi] + v_cost;
                u_used[ui] := u_used[ui] + p_units[k];
                u_ovu[ui] := u_ovu[ui] + v_over;
                u_ovc[ui] := u_ovc[ui] + v_cost;
                IF u_inc[ui] > 0 AND u_used[ui] * 100 >= 70 * u_inc[ui] THEN
                    FOREACH t IN ARRAY ARRAY[70, 85, 95] LOOP
                        b := CASE t WHEN 70 THEN 1 WHEN 85 THEN 2 ELSE 4 END;
                        IF u_used[ui] * 100 >= t * u_inc[ui] AND (u_mask[ui] | u_added[ui]) & b = 0 THEN
                            u_added[ui] := u_added[ui] | b;
                            PERFORM \(s).enqueue_alert(p_projects[k], 'billing.quota.threshold',
                                'quota:' || p_projects[k] || ':' || p_meters[k] || ':' || f_index[gi] || ':'
                                    || extract(epoch FROM f_period[gi])::bigint || ':' || t,
                                jsonb_build_object('project_id', p_projects[k], 'meter', p_meters[k], 'threshold', t,
                                                   'included', u_inc[ui], 'used', u_used[ui]), p_now);
                        END IF;
                    END LOOP;
                END IF;
                ok_ids := ok_ids || p_ids[k];
                ok_projects := ok_projects || p_projects[k];
                ok_periods := ok_periods || f_period[gi];
                ok_meters := ok_meters || p_meters[k];
                ok_units := ok_units || p_units[k];
                ok_over := ok_over || v_over;
                ok_amount := ok_amount || v_cost;
                o_outcome := 'reserved';
                o_available := 0;
                o_amount := v_cost;
                RETURN NEXT;
            END LOOP;
            IF cardinality(ok_ids) = 0 THEN
                RETURN;
            END IF;
            SELECT count(*) INTO v_wallets FROM unnest(f_held) AS x WHERE x > 0;
            IF v_wallets > 0 THEN
                -- Locked in project order, as capture batches lock them (no cycle), and only now (short holds).
                PERFORM 1 FROM \(s).accounts a
                WHERE a.kind = 'wallet' AND a.project_id IN (
                    SELECT x.p FROM unnest(f_project, f_held) AS x (p, held) WHERE x.held > 0)
                ORDER BY a.project_id FOR UPDATE OF a;
                UPDATE \(s).accounts a SET reserved_cents = a.reserved_cents + x.held
                FROM unnest(f_project, f_held) AS x (p, held)
                WHERE x.held > 0 AND a.project_id = x.p AND a.kind = 'wallet'
                  AND a.balance_cents - a.reserved_cents >= x.held;
                GET DIAGNOSTICS v_rows = ROW_COUNT;
                IF v_rows <> v_wallets THEN
                    RAISE EXCEPTION 'a wallet changed under its subscription lock' USING ERRCODE = '40001';
                END IF;
            END IF;
            UPDATE \(s).usage u SET used = x.used, overage_units = x.ovu, overage_cents = x.ovc,
                thresholds = u.thresholds || ARRAY(SELECT th.t FROM unnest(ARRAY[70, 85, 95], ARRAY[1, 2, 4]) AS th (t, b)
                                                   WHERE x.added & th.b <> 0 ORDER BY th.t)
            FROM unnest(u_project, u_period, u_meter, u_used, u_start, u_ovu, u_ovc, u_added)
                AS x (p, period, m, used, start, ovu, ovc, added)
            WHERE x.used <> x.start AND u.project_id = x.p AND u.period_start = x.period AND u.meter = x.m;
            INSERT INTO \(s).reservations (id, project_id, meter, units, period_start, trial, overage_units,
                                         amount_cents, created_at, expires_at)
            SELECT x.r_id, x.r_project, x.r_meter, x.r_units, x.r_period, false, x.r_over, x.r_amount, p_now,
                   p_now + interval '24 hours'
            FROM unnest(ok_ids, ok_projects, ok_periods, ok_meters, ok_units, ok_over, ok_amount)
                AS x (r_id, r_project, r_period, r_meter, r_units, r_over, r_amount);
        END
        $fn$;

        -- Replaced by the cross-project reserve_many above.
        DROP FUNCTION \(s).reserve_group(text, text[], bigint[], text[], timestamptz);

        CREATE OR REPLACE FUNCTION \(s).settle_many(p_action text, p_ids text[], p_now timestamptz)
        RETURNS TABLE (o_id text, o_status text) LANGUAGE plpgsql AS $fn$
        DECLARE
            i integer;
            c_open text[];
            c_projects text[]; c_meters text[]; c_amounts bigint[]; c_units bigint[]; c_ids text[];
            g_project text[]; g_meter text[]; g_amount bigint[]; g_units bigint[]; g_n bigint[]; g_first text[];
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
                SELECT r.id, r.project_id, r.meter, r.amount_cents, r.overage_units, r.status
                FROM \(s).reservations r
                WHERE r.id IN (SELECT x FROM unnest(p_ids) AS x)
                ORDER BY r.id FOR UPDATE OF r)
            SELECT array_agg(l.id) FILTER (WHERE l.status = 'open'),
                   array_agg(l.project_id) FILTER (WHERE l.status = 'open' AND l.amount_cents > 0),
                   array_agg(l.meter) FILTER (WHERE l.status = 'open' AND l.amount_cents > 0),
                   array_agg(l.amount_cents) FILTER (WHERE l.status = 'open' AND l.amount_cents > 0),
                   array_agg(l.overage_units) FILTER (WHERE l.status = 'open' AND l.amount_cents > 0),
                   array_agg(l.id) FILTER (WHERE l.status = 'open' AND l.amount_cents > 0)
            INTO c_open, c_projects, c_meters, c_amounts, c_units, c_ids
            FROM l;
            IF c_open IS NOT NULL THEN
                UPDATE \(s).reservations r SET status = 'captured', settled_at = p_now
                FROM unnest(c_open) AS x (id) WHERE r.id = x.id;
            END IF;
            IF c_ids IS NOT NULL THEN
                SELECT array_agg(g.p ORDER BY g.p, g.m), array_agg(g.m ORDER BY g.p, g.m),
                       array_agg(g.amount ORDER BY g.p, g.m), array_agg(g.units ORDER BY g.p, g.m),
                       array_agg(g.n ORDER BY g.p, g.m), array_agg(g.first ORDER BY g.p, g.m)
                INTO g_project, g_meter, g_amount, g_units, g_n, g_first
                FROM (SELECT x.p, x.m, sum(x.amount)::bigint AS amount, sum(x.units)::bigint AS units, count(*) AS n,
                             min(x.id) AS first
                      FROM unnest(c_projects, c_meters, c_amounts, c_units, c_ids) AS x (p, m, amount, units, id)
                      GROUP BY x.p, x.m) AS g;
                -- The accounts the batch moves (revenue created when missing), locked in project order.
                INSERT INTO \(s).accounts (project_id, kind)
                SELECT DISTINCT x, 'revenue' FROM unnest(g_project) AS x ORDER BY 1
                ON CONFLICT DO NOTHING;
                PERFORM 1 FROM \(s).accounts a
                WHERE a.kind IN ('wallet', 'revenue') AND a.project_id IN (SELECT x FROM unnest(g_project) AS x)
                ORDER BY a.project_id, a.kind FOR UPDATE OF a;
                UPDATE \(s).accounts a SET reserved_cents = a.reserved_cents - x.amount
                FROM (SELECT y.p, sum(y.amount)::bigint AS amount FROM unnest(g_project, g_amount) AS y (p, amount)
                      GROUP BY y.p) AS x
                WHERE a.project_id = x.p AND a.kind = 'wallet';
                WITH t AS (
                    INSERT INTO \(s).transactions (id, project_id, type, reference, dedupe_key, at)
                    SELECT 'ltx_' || replace(gen_random_uuid()::text, '-', ''), g.p, 'usage',
                           g.units || ' ' || g.m || ' ('
                               || CASE WHEN g.n = 1 THEN g.first ELSE g.n || ' reservations' END || ')',
                           'capture:' || g.first, p_now
                    FROM unnest(g_project, g_meter, g_units, g_n, g_first) WITH ORDINALITY AS g (p, m, units, n, first, o)
                    ORDER BY g.o
                    RETURNING seq, project_id, dedupe_key)
                INSERT INTO \(s).postings (transaction_seq, project_id, kind, type, amount_cents, balance_after_cents)
                SELECT t.seq, t.project_id, k.kind, 'usage', k.sign * g.amount,
                       a.balance_cents + sum(k.sign * g.amount) OVER (PARTITION BY t.project_id, k.kind ORDER BY t.seq)
                FROM t JOIN unnest(g_first, g_amount) AS g (first, amount) ON t.dedupe_key = 'capture:' || g.first
                CROSS JOIN (VALUES ('wallet', -1, 1), ('revenue', 1, 2)) AS k (kind, sign, o)
                JOIN \(s).accounts a ON a.project_id = t.project_id AND a.kind = k.kind
                ORDER BY t.seq, k.o;
            END IF;
            RETURN QUERY
                SELECT x.id, COALESCE(r.status, 'unknown')
                FROM unnest(p_ids) WITH ORDINALITY AS x (id, o)
                LEFT JOIN \(s).reservations r ON r.id = x.id
                ORDER BY x.o;
        END
        $fn$;

        -- Plans are cached per session, often first made while the tables are empty: a generic plan that hashes a
        -- sequential scan of reservations (or accounts, subscriptions) would then scan the whole growing table per
        -- batch. Every lookup here is by primary key, so these functions never plan a sequential scan.
        ALTER FUNCTION \(s).reserve_many(text[], text[], bigint[], text[], timestamptz) SET enable_seqscan = off;
        ALTER FUNCTION \(s).settle_many(text, text[], timestamptz) SET enable_seqscan = off;
        ALTER FUNCTION \(s).postings_apply() SET enable_seqscan = off;

        """
    }
}
