/// Group commit's batches, set-based (replacing ``BillingBatchSQL``'s call-by-call loops): a batch's work per
/// project is done once, not once per call, with the same answers as calling `reserve` / `capture` one by one in
/// the batch's order.
///
/// - `reserve_many`: per project of the batch, an `active`, metered subscription is locked once, its usage rows
///   and wallet are read once, every reservation of the group is decided in memory in order (included units
///   first, then overage against the wallet's available credit less what earlier calls of the group took), and
///   the results are written with one wallet update, one usage update per meter and one multi-row insert of the
///   reservations. Any other subscription (trialing, locked, past due, metering off, unknown) goes call by call
///   through `reserve`. The no-overdraft argument is unchanged: the subscription lock serializes the project's
///   reservations, top-ups, charges and releases; the only path that changes the wallet without it is a capture,
///   which moves `balance_cents` and `reserved_cents` by the same amount, so the available credit read under the
///   lock stays true; the wallet update is still conditional and the `accounts` check still refuses an overdraft.
/// - `settle_many('capture', …)`: the batch's open reservations are captured in id order (one index lookup
///   each, which also locks it), and each project's wallet gets one update of `reserved_cents` and **one
///   `usage` ledger transaction per meter** for the batch's overage (dedupe key `capture:<first reservation
///   id>`; a batch of one writes exactly the entry `capture` writes). Captured or released reservations answer their state, unknown
///   ids `unknown`: idempotent by reservation id as before. Releases still go call by call (`release`).
enum BillingGroupedBatchSQL {
    /// The statements for schema `s`.
    static func sql(_ s: String) -> String {
        """
        -- One active, metered project's reservations, decided together (the caller holds its subscription lock).
        CREATE FUNCTION \(s).reserve_group(p_project text, p_meters text[], p_units bigint[], p_ids text[],
                                         p_now timestamptz)
        RETURNS TABLE (o_id text, o_outcome text, o_available bigint, o_amount bigint) LANGUAGE plpgsql AS $fn$
        DECLARE
            sub \(s).subscriptions%ROWTYPE;
            pl \(s).plans%ROWTYPE;
            u \(s).usage%ROWTYPE;
            v_meters text[] := ARRAY['email', 'whatsapp'];
            v_price bigint[];
            v_inc bigint[] := ARRAY[0, 0];
            v_used bigint[] := ARRAY[0, 0];
            v_start bigint[] := ARRAY[-1, -1];
            v_ovu bigint[] := ARRAY[0, 0];
            v_ovc bigint[] := ARRAY[0, 0];
            v_thr_email integer[] := '{}';
            v_thr_whatsapp integer[] := '{}';
            v_avail bigint;
            v_held bigint := 0;
            v_over bigint;
            v_cost bigint;
            k integer;
            mi integer;
            t integer;
            ok_ids text[] := '{}';
            ok_meters text[] := '{}';
            ok_units bigint[] := '{}';
            ok_over bigint[] := '{}';
            ok_amount bigint[] := '{}';
        BEGIN
            SELECT * INTO sub FROM \(s).subscriptions WHERE project_id = p_project;
            SELECT * INTO pl FROM \(s).plans WHERE id = sub.plan;
            v_price := ARRAY[pl.overage_email_cents, pl.overage_whatsapp_cents];
            FOR mi IN 1 .. 2 LOOP
                CONTINUE WHEN NOT (v_meters[mi] = ANY (p_meters));
                SELECT * INTO u FROM \(s).usage
                WHERE project_id = p_project AND period_start = sub.period_start AND meter = v_meters[mi] FOR UPDATE;
                IF NOT FOUND THEN
                    INSERT INTO \(s).usage (project_id, period_start, meter, included)
                    VALUES (p_project, sub.period_start, v_meters[mi],
                            CASE mi WHEN 1 THEN pl.included_email ELSE pl.included_whatsapp END)
                    ON CONFLICT DO NOTHING;
                    SELECT * INTO u FROM \(s).usage
                    WHERE project_id = p_project AND period_start = sub.period_start AND meter = v_meters[mi] FOR UPDATE;
                END IF;
                v_inc[mi] := u.included;
                v_used[mi] := u.used;
                v_start[mi] := u.used;
                v_ovu[mi] := u.overage_units;
                v_ovc[mi] := u.overage_cents;
                IF mi = 1 THEN v_thr_email := u.thresholds; ELSE v_thr_whatsapp := u.thresholds; END IF;
            END LOOP;
            v_avail := \(s).available(p_project);
            FOR k IN 1 .. coalesce(array_length(p_ids, 1), 0) LOOP
                mi := CASE p_meters[k] WHEN 'email' THEN 1 ELSE 2 END;
                v_over := greatest(p_units[k] - greatest(v_inc[mi] - v_used[mi], 0), 0);
                v_cost := v_over * v_price[mi];
                o_id := p_ids[k];
                IF v_cost > v_avail THEN
                    o_outcome := 'insufficient';
                    o_available := v_avail;
                    o_amount := 0;
                    RETURN NEXT;
                    CONTINUE;
                END IF;
                v_avail := v_avail - v_cost;
                v_held := v_held + v_cost;
                v_used[mi] := v_used[mi] + p_units[k];
                v_ovu[mi] := v_ovu[mi] + v_over;
                v_ovc[mi] := v_ovc[mi] + v_cost;
                IF v_inc[mi] > 0 THEN
                    FOREACH t IN ARRAY ARRAY[70, 85, 95] LOOP
                        IF v_used[mi] * 100 >= t * v_inc[mi]
                           AND NOT (t = ANY (CASE mi WHEN 1 THEN v_thr_email ELSE v_thr_whatsapp END)) THEN
                            IF mi = 1 THEN v_thr_email := v_thr_email || t; ELSE v_thr_whatsapp := v_thr_whatsapp || t; END IF;
                            PERFORM \(s).enqueue_alert(p_project, 'billing.quota.threshold',
                                'quota:' || p_project || ':' || v_meters[mi] || ':' || sub.period_index || ':'
                                    || extract(epoch FROM sub.period_start)::bigint || ':' || t,
                                jsonb_build_object('project_id', p_project, 'meter', v_meters[mi], 'threshold', t,
                                                   'included', v_inc[mi], 'used', v_used[mi]), p_now);
                        END IF;
                    END LOOP;
                END IF;
                ok_ids := ok_ids || p_ids[k];
                ok_meters := ok_meters || v_meters[mi];
                ok_units := ok_units || p_units[k];
                ok_over := ok_over || v_over;
                ok_amount := ok_amount || v_cost;
                o_outcome := 'reserved';
                o_available := 0;
                o_amount := v_cost;
                RETURN NEXT;
            END LOOP;
            IF v_held > 0 THEN
                UPDATE \(s).accounts SET reserved_cents = reserved_cents + v_held
                WHERE project_id = p_project AND kind = 'wallet' AND balance_cents - reserved_cents >= v_held;
                IF NOT FOUND THEN
                    RAISE EXCEPTION 'wallet of % changed under its subscription lock', p_project USING ERRCODE = '40001';
                END IF;
            END IF;
            FOR mi IN 1 .. 2 LOOP
                CONTINUE WHEN v_used[mi] = v_start[mi] OR v_start[mi] < 0;
                UPDATE \(s).usage SET used = v_used[mi], overage_units = v_ovu[mi], overage_cents = v_ovc[mi],
                    thresholds = CASE mi WHEN 1 THEN v_thr_email ELSE v_thr_whatsapp END
                WHERE project_id = p_project AND period_start = sub.period_start AND meter = v_meters[mi];
            END LOOP;
            INSERT INTO \(s).reservations (id, project_id, meter, units, period_start, trial, overage_units,
                                         amount_cents, created_at, expires_at)
            SELECT x.r_id, p_project, x.r_meter, x.r_units, sub.period_start, false, x.r_over, x.r_amount, p_now,
                   p_now + interval '24 hours'
            FROM unnest(ok_ids, ok_meters, ok_units, ok_over, ok_amount) AS x (r_id, r_meter, r_units, r_over, r_amount);
        END
        $fn$;

        CREATE OR REPLACE FUNCTION \(s).reserve_many(p_projects text[], p_meters text[], p_units bigint[], p_ids text[],
                                                   p_now timestamptz)
        RETURNS TABLE (o_id text, o_outcome text, o_available bigint, o_amount bigint) LANGUAGE plpgsql AS $fn$
        DECLARE
            n integer := coalesce(array_length(p_ids, 1), 0);
            i integer := 1;
            j integer;
            g_end integer;
            sub \(s).subscriptions%ROWTYPE;
            r record;
        BEGIN
            WHILE i <= n LOOP
                g_end := i;
                WHILE g_end < n AND p_projects[g_end + 1] = p_projects[i] LOOP
                    g_end := g_end + 1;
                END LOOP;
                SELECT * INTO sub FROM \(s).subscriptions WHERE project_id = p_projects[i] FOR UPDATE;
                IF FOUND AND sub.status = 'active' AND sub.metering THEN
                    RETURN QUERY SELECT * FROM \(s).reserve_group(p_projects[i], p_meters[i:g_end], p_units[i:g_end],
                                                                 p_ids[i:g_end], p_now);
                ELSE
                    FOR j IN i .. g_end LOOP
                        SELECT * INTO r FROM \(s).reserve(p_projects[j], p_meters[j], p_units[j], p_ids[j], p_now);
                        o_id := p_ids[j];
                        o_outcome := r.o_outcome;
                        o_available := r.o_available;
                        o_amount := r.o_amount;
                        RETURN NEXT;
                    END LOOP;
                END IF;
                i := g_end + 1;
            END LOOP;
        END
        $fn$;

        CREATE OR REPLACE FUNCTION \(s).settle_many(p_action text, p_ids text[], p_now timestamptz)
        RETURNS TABLE (o_id text, o_status text) LANGUAGE plpgsql AS $fn$
        DECLARE
            i integer;
            v_id text;
            r record;
            g record;
            v_tx bigint;
            c_projects text[] := '{}';
            c_meters text[] := '{}';
            c_amounts bigint[] := '{}';
            c_units bigint[] := '{}';
            c_ids text[] := '{}';
        BEGIN
            IF p_action <> 'capture' THEN
                FOR i IN 1 .. coalesce(array_length(p_ids, 1), 0) LOOP
                    o_id := p_ids[i];
                    o_status := \(s).release(p_ids[i], p_now);
                    RETURN NEXT;
                END LOOP;
                RETURN;
            END IF;
            -- In id order (two batches never wait on each other in a cycle); each an index lookup.
            FOR v_id IN SELECT DISTINCT x FROM unnest(p_ids) AS x ORDER BY x LOOP
                UPDATE \(s).reservations SET status = 'captured', settled_at = p_now
                WHERE id = v_id AND status = 'open'
                RETURNING project_id, meter, amount_cents, overage_units INTO r;
                IF FOUND AND r.amount_cents > 0 THEN
                    c_projects := c_projects || r.project_id;
                    c_meters := c_meters || r.meter;
                    c_amounts := c_amounts || r.amount_cents;
                    c_units := c_units || r.overage_units;
                    c_ids := c_ids || v_id;
                END IF;
            END LOOP;
            FOR g IN
                SELECT x.project_id, x.meter, sum(x.amount)::bigint AS amount, sum(x.units)::bigint AS units,
                       count(*) AS n, min(x.id) AS first_id
                FROM unnest(c_projects, c_meters, c_amounts, c_units, c_ids) AS x (project_id, meter, amount, units, id)
                GROUP BY x.project_id, x.meter ORDER BY x.project_id, x.meter
            LOOP
                UPDATE \(s).accounts SET reserved_cents = reserved_cents - g.amount
                WHERE project_id = g.project_id AND kind = 'wallet';
                v_tx := \(s).begin_entry(g.project_id, 'usage',
                    g.units || ' ' || g.meter || ' ('
                        || CASE WHEN g.n = 1 THEN g.first_id ELSE g.n || ' reservations' END || ')',
                    'capture:' || g.first_id, p_now);
                PERFORM \(s).post(v_tx, g.project_id, 'wallet', 'usage', -g.amount);
                PERFORM \(s).post(v_tx, g.project_id, 'revenue', 'usage', g.amount);
            END LOOP;
            FOR i IN 1 .. coalesce(array_length(p_ids, 1), 0) LOOP
                o_id := p_ids[i];
                o_status := COALESCE((SELECT status FROM \(s).reservations WHERE id = p_ids[i]), 'unknown');
                RETURN NEXT;
            END LOOP;
        END
        $fn$;

        """
    }
}
