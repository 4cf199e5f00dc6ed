/// The functions every money path runs inside PostgreSQL, each in the caller's one transaction.
///
/// **No overdraft, no double count.** Every path that can take a project's money or units first locks the
/// project's subscription row (`FOR UPDATE`), so across any number of Router and Billing replicas one
/// project's reservations, charges and top-ups run one at a time; the wallet's reservation is also a
/// conditional update (`balance - reserved >= cost`) and the `accounts` check (`balance >= reserved`)
/// refuses any statement that would break it. Lock order is always subscription → usage → wallet (a
/// capture: reservation → wallet; a release: reservation → subscription → usage → wallet; a reserve never
/// locks an existing reservation), so the paths cannot deadlock one another.
enum BillingMeteringSQL {
    /// The statements for schema `s`.
    static func sql(_ s: String) -> String {
        """
        -- A project Billing has never seen: a trial from now, with an empty wallet.
        CREATE FUNCTION \(s).ensure_account(p_project text, p_now timestamptz) RETURNS void LANGUAGE sql AS $fn$
            INSERT INTO \(s).subscriptions (project_id, plan, status, anchor, period_start, period_end, trial_ends_at,
                                          referral_code, created_at)
            VALUES (p_project, 'trial', 'trialing', p_now, p_now, p_now + interval '14 days', p_now + interval '14 days',
                    substr(md5(p_project || gen_random_uuid()::text), 1, 12), p_now)
            ON CONFLICT (project_id) DO NOTHING;
            INSERT INTO \(s).accounts (project_id, kind) VALUES (p_project, 'wallet') ON CONFLICT DO NOTHING;
        $fn$;

        CREATE FUNCTION \(s).enqueue_alert(p_project text, p_type text, p_dedupe text, p_data jsonb, p_at timestamptz)
        RETURNS void LANGUAGE sql AS $fn$
            INSERT INTO \(s).alerts (id, project_id, type, dedupe_key, data, occurred_at)
            VALUES ('evt_' || replace(gen_random_uuid()::text, '-', ''), p_project, p_type, p_dedupe, p_data, p_at)
            ON CONFLICT (dedupe_key) DO NOTHING;
        $fn$;

        CREATE FUNCTION \(s).available(p_project text) RETURNS bigint LANGUAGE sql STABLE AS $fn$
            SELECT COALESCE((SELECT balance_cents - reserved_cents FROM \(s).accounts
                             WHERE project_id = p_project AND kind = 'wallet'), 0)
        $fn$;

        -- Holds p_units of p_meter: outcome 'reserved', 'unmetered', 'trial_ended', 'trial_short' (o_available:
        -- trial units left) or 'insufficient' (o_available: cents available).
        CREATE FUNCTION \(s).reserve(p_project text, p_meter text, p_units bigint, p_id text, p_now timestamptz,
                                   OUT o_outcome text, OUT o_available bigint, OUT o_amount bigint)
        LANGUAGE plpgsql AS $fn$
        DECLARE
            sub \(s).subscriptions%ROWTYPE;
            pl \(s).plans%ROWTYPE;
            u \(s).usage%ROWTYPE;
            v_over bigint;
            v_cost bigint;
            v_new bigint;
            t integer;
        BEGIN
            o_available := 0;
            o_amount := 0;
            SELECT * INTO sub FROM \(s).subscriptions WHERE project_id = p_project FOR UPDATE;
            IF NOT FOUND THEN
                PERFORM \(s).ensure_account(p_project, p_now);
                SELECT * INTO sub FROM \(s).subscriptions WHERE project_id = p_project FOR UPDATE;
            END IF;
            IF NOT sub.metering THEN
                o_outcome := 'unmetered';
                RETURN;
            END IF;
            IF sub.status = 'locked' THEN
                o_outcome := 'trial_ended';
                RETURN;
            END IF;
            IF sub.status = 'trialing' THEN
                IF p_now >= sub.trial_ends_at OR sub.trial_units_used >= sub.trial_units_limit THEN
                    UPDATE \(s).subscriptions SET status = 'locked' WHERE project_id = p_project;
                    PERFORM \(s).enqueue_alert(p_project, 'billing.trial.ended', 'trial.ended:' || p_project,
                        jsonb_build_object('project_id', p_project, 'units_used', sub.trial_units_used), p_now);
                    o_outcome := 'trial_ended';
                    RETURN;
                END IF;
                IF sub.trial_units_used + p_units > sub.trial_units_limit THEN
                    o_outcome := 'trial_short';
                    o_available := sub.trial_units_limit - sub.trial_units_used;
                    RETURN;
                END IF;
                UPDATE \(s).subscriptions SET trial_units_used = trial_units_used + p_units WHERE project_id = p_project;
                INSERT INTO \(s).usage AS g (project_id, period_start, meter, included, used)
                VALUES (p_project, sub.period_start, p_meter, sub.trial_units_limit, p_units)
                ON CONFLICT (project_id, period_start, meter) DO UPDATE SET used = g.used + EXCLUDED.used;
                INSERT INTO \(s).reservations (id, project_id, meter, units, period_start, trial, overage_units,
                                             amount_cents, created_at, expires_at)
                VALUES (p_id, p_project, p_meter, p_units, sub.period_start, true, 0, 0, p_now, p_now + interval '24 hours');
                o_outcome := 'reserved';
                RETURN;
            END IF;
            IF sub.status = 'past_due' THEN
                o_outcome := 'insufficient';
                o_available := \(s).available(p_project);
                RETURN;
            END IF;
            SELECT * INTO pl FROM \(s).plans WHERE id = sub.plan;
            SELECT * INTO u FROM \(s).usage
            WHERE project_id = p_project AND period_start = sub.period_start AND meter = p_meter FOR UPDATE;
            IF NOT FOUND THEN
                INSERT INTO \(s).usage (project_id, period_start, meter, included)
                VALUES (p_project, sub.period_start, p_meter,
                        CASE p_meter WHEN 'email' THEN pl.included_email ELSE pl.included_whatsapp END)
                ON CONFLICT DO NOTHING;
                SELECT * INTO u FROM \(s).usage
                WHERE project_id = p_project AND period_start = sub.period_start AND meter = p_meter FOR UPDATE;
            END IF;
            v_over := greatest(p_units - greatest(u.included - u.used, 0), 0);
            v_cost := v_over * CASE p_meter WHEN 'email' THEN pl.overage_email_cents ELSE pl.overage_whatsapp_cents END;
            IF v_cost > 0 THEN
                UPDATE \(s).accounts SET reserved_cents = reserved_cents + v_cost
                WHERE project_id = p_project AND kind = 'wallet' AND balance_cents - reserved_cents >= v_cost;
                IF NOT FOUND THEN
                    o_outcome := 'insufficient';
                    o_available := \(s).available(p_project);
                    RETURN;
                END IF;
            END IF;
            v_new := u.used + p_units;
            UPDATE \(s).usage SET used = v_new, overage_units = overage_units + v_over, overage_cents = overage_cents + v_cost
            WHERE project_id = p_project AND period_start = sub.period_start AND meter = p_meter;
            IF u.included > 0 THEN
                FOREACH t IN ARRAY ARRAY[70, 85, 95] LOOP
                    IF v_new * 100 >= t * u.included AND NOT (t = ANY (u.thresholds)) THEN
                        UPDATE \(s).usage SET thresholds = thresholds || t
                        WHERE project_id = p_project AND period_start = sub.period_start AND meter = p_meter;
                        PERFORM \(s).enqueue_alert(p_project, 'billing.quota.threshold',
                            'quota:' || p_project || ':' || p_meter || ':' || sub.period_index || ':'
                                || extract(epoch FROM sub.period_start)::bigint || ':' || t,
                            jsonb_build_object('project_id', p_project, 'meter', p_meter, 'threshold', t,
                                               'included', u.included, 'used', v_new), p_now);
                    END IF;
                END LOOP;
            END IF;
            INSERT INTO \(s).reservations (id, project_id, meter, units, period_start, trial, overage_units,
                                         amount_cents, created_at, expires_at)
            VALUES (p_id, p_project, p_meter, p_units, sub.period_start, false, v_over, v_cost, p_now,
                    p_now + interval '24 hours');
            o_outcome := 'reserved';
            o_amount := v_cost;
        END
        $fn$;

        -- The work was done: the held credit becomes a usage entry. 'captured', 'released' (already) or 'unknown'.
        CREATE FUNCTION \(s).capture(p_id text, p_now timestamptz) RETURNS text LANGUAGE plpgsql AS $fn$
        DECLARE
            r \(s).reservations%ROWTYPE;
            v_tx bigint;
        BEGIN
            SELECT * INTO r FROM \(s).reservations WHERE id = p_id FOR UPDATE;
            IF NOT FOUND THEN
                RETURN 'unknown';
            END IF;
            IF r.status <> 'open' THEN
                RETURN r.status;
            END IF;
            IF r.amount_cents > 0 THEN
                UPDATE \(s).accounts SET reserved_cents = reserved_cents - r.amount_cents
                WHERE project_id = r.project_id AND kind = 'wallet';
                v_tx := \(s).begin_entry(r.project_id, 'usage', r.overage_units || ' ' || r.meter || ' (' || r.id || ')',
                                        'capture:' || r.id, p_now);
                PERFORM \(s).post(v_tx, r.project_id, 'wallet', 'usage', -r.amount_cents);
                PERFORM \(s).post(v_tx, r.project_id, 'revenue', 'usage', r.amount_cents);
            END IF;
            UPDATE \(s).reservations SET status = 'captured', settled_at = p_now WHERE id = p_id;
            RETURN 'captured';
        END
        $fn$;

        -- The work failed for good (or the hold expired): units and credit come back. 'released', 'captured'
        -- (already) or 'unknown'.
        CREATE FUNCTION \(s).release(p_id text, p_now timestamptz) RETURNS text LANGUAGE plpgsql AS $fn$
        DECLARE
            r \(s).reservations%ROWTYPE;
        BEGIN
            SELECT * INTO r FROM \(s).reservations WHERE id = p_id FOR UPDATE;
            IF NOT FOUND THEN
                RETURN 'unknown';
            END IF;
            IF r.status <> 'open' THEN
                RETURN r.status;
            END IF;
            PERFORM 1 FROM \(s).subscriptions WHERE project_id = r.project_id FOR UPDATE;
            IF r.trial THEN
                UPDATE \(s).subscriptions SET trial_units_used = greatest(trial_units_used - r.units, 0)
                WHERE project_id = r.project_id;
            END IF;
            UPDATE \(s).usage SET used = greatest(used - r.units, 0),
                overage_units = greatest(overage_units - r.overage_units, 0),
                overage_cents = greatest(overage_cents - r.amount_cents, 0)
            WHERE project_id = r.project_id AND period_start = r.period_start AND meter = r.meter;
            IF r.amount_cents > 0 THEN
                UPDATE \(s).accounts SET reserved_cents = reserved_cents - r.amount_cents
                WHERE project_id = r.project_id AND kind = 'wallet';
            END IF;
            UPDATE \(s).reservations SET status = 'released', settled_at = p_now WHERE id = p_id;
            RETURN 'released';
        END
        $fn$;

        -- A plan charge from the wallet with its referral commissions, in one ledger transaction; false (and
        -- nothing written) when the wallet's available credit is short. The caller holds the subscription lock.
        CREATE FUNCTION \(s).charge_plan(p_project text, p_amount bigint, p_reference text, p_dedupe text,
                                       p_now timestamptz) RETURNS boolean LANGUAGE plpgsql AS $fn$
        DECLARE
            v_available bigint;
            v_tx bigint;
            v_referrer text;
            v_level integer := 0;
            v_percent bigint;
            v_commission bigint;
        BEGIN
            IF p_amount <= 0 THEN
                RETURN true;
            END IF;
            SELECT balance_cents - reserved_cents INTO v_available FROM \(s).accounts
            WHERE project_id = p_project AND kind = 'wallet' FOR UPDATE;
            IF v_available IS NULL OR v_available < p_amount THEN
                RETURN false;
            END IF;
            v_tx := \(s).begin_entry(p_project, 'plan_charge', p_reference, p_dedupe, p_now);
            PERFORM \(s).post(v_tx, p_project, 'wallet', 'plan_charge', -p_amount);
            PERFORM \(s).post(v_tx, p_project, 'revenue', 'plan_charge', p_amount);
            SELECT referred_by INTO v_referrer FROM \(s).subscriptions WHERE project_id = p_project;
            FOREACH v_percent IN ARRAY ARRAY[20, 5]::bigint[] LOOP
                EXIT WHEN v_referrer IS NULL;
                v_commission := round(p_amount::numeric * v_percent / 100)::bigint;
                IF v_commission > 0 THEN
                    PERFORM \(s).post(v_tx, p_project, 'commissions', 'commission', -v_commission);
                    PERFORM \(s).post(v_tx, v_referrer, 'wallet', 'commission', v_commission);
                END IF;
                SELECT referred_by INTO v_referrer FROM \(s).subscriptions WHERE project_id = v_referrer;
            END LOOP;
            RETURN true;
        END
        $fn$;

        -- Credit arrived: a past-due project whose wallet now covers what it owes pays it and is active again.
        CREATE FUNCTION \(s).collect_due(p_project text, p_now timestamptz) RETURNS void LANGUAGE plpgsql AS $fn$
        DECLARE
            sub \(s).subscriptions%ROWTYPE;
        BEGIN
            SELECT * INTO sub FROM \(s).subscriptions WHERE project_id = p_project FOR UPDATE;
            IF sub.status = 'past_due' AND \(s).charge_plan(p_project, sub.due_cents,
                    sub.plan || ' period ' || (sub.period_index + 1), 'plan_charge:' || p_project || ':' || sub.period_index,
                    p_now) THEN
                UPDATE \(s).subscriptions SET status = 'active', due_cents = 0 WHERE project_id = p_project;
                UPDATE \(s).periods SET charged_cents = sub.due_cents
                WHERE project_id = p_project AND period_index = sub.period_index;
            END IF;
        END
        $fn$;

        """
    }
}
