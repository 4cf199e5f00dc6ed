/// Subscriptions, usage per meter and period, reservations, the record of charged periods, provider events
/// and the alert outbox.
enum BillingSubscriptionSQL {
    /// The statements for schema `s`.
    static func sql(_ s: String) -> String {
        """
        CREATE TABLE \(s).subscriptions (
            project_id text PRIMARY KEY,
            plan text NOT NULL,
            status text NOT NULL CHECK (status IN ('trialing', 'active', 'past_due', 'locked')),
            anchor timestamptz NOT NULL,
            period_index integer NOT NULL DEFAULT 0,
            period_start timestamptz NOT NULL,
            period_end timestamptz NOT NULL,
            trial_ends_at timestamptz,
            trial_units_used bigint NOT NULL DEFAULT 0 CHECK (trial_units_used >= 0),
            trial_units_limit bigint NOT NULL DEFAULT 100,
            trial_ending_sent boolean NOT NULL DEFAULT false,
            pending_plan text REFERENCES \(s).plans (id),
            due_cents bigint NOT NULL DEFAULT 0 CHECK (due_cents >= 0),
            metering boolean NOT NULL DEFAULT true,
            billing_email text,
            referral_code text NOT NULL UNIQUE,
            referred_by text REFERENCES \(s).subscriptions (project_id),
            created_at timestamptz NOT NULL
        );
        CREATE INDEX subscriptions_due ON \(s).subscriptions (period_end) WHERE status IN ('active', 'past_due');
        CREATE INDEX subscriptions_trials ON \(s).subscriptions (trial_ends_at) WHERE status = 'trialing';
        CREATE INDEX subscriptions_referred_by ON \(s).subscriptions (referred_by);
        CREATE TABLE \(s).usage (
            project_id text NOT NULL,
            period_start timestamptz NOT NULL,
            meter text NOT NULL CHECK (meter IN ('email', 'whatsapp')),
            included bigint NOT NULL,
            used bigint NOT NULL DEFAULT 0 CHECK (used >= 0),
            overage_units bigint NOT NULL DEFAULT 0 CHECK (overage_units >= 0),
            overage_cents bigint NOT NULL DEFAULT 0 CHECK (overage_cents >= 0),
            thresholds integer[] NOT NULL DEFAULT '{}',
            PRIMARY KEY (project_id, period_start, meter)
        );
        CREATE TABLE \(s).reservations (
            id text PRIMARY KEY,
            project_id text NOT NULL,
            meter text NOT NULL,
            units bigint NOT NULL CHECK (units > 0),
            period_start timestamptz NOT NULL,
            trial boolean NOT NULL,
            overage_units bigint NOT NULL,
            amount_cents bigint NOT NULL CHECK (amount_cents >= 0),
            status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'captured', 'released')),
            created_at timestamptz NOT NULL,
            expires_at timestamptz NOT NULL,
            settled_at timestamptz
        );
        CREATE INDEX reservations_open ON \(s).reservations (expires_at) WHERE status = 'open';
        -- One row per charged period: the renewal's proof that it ran once.
        CREATE TABLE \(s).periods (
            project_id text NOT NULL,
            period_index integer NOT NULL,
            plan text NOT NULL,
            started_at timestamptz NOT NULL,
            charged_cents bigint NOT NULL,
            PRIMARY KEY (project_id, period_index)
        );
        -- Provider refunds add up per charge.
        CREATE TABLE \(s).refunds (
            provider text NOT NULL,
            charge text NOT NULL,
            refunded_cents bigint NOT NULL,
            PRIMARY KEY (provider, charge)
        );
        -- Alerts to send through Comms (an email and a webhook event each), retried until Comms answers.
        CREATE TABLE \(s).alerts (
            id text PRIMARY KEY,
            project_id text NOT NULL,
            type text NOT NULL,
            dedupe_key text NOT NULL UNIQUE,
            data jsonb NOT NULL,
            occurred_at timestamptz NOT NULL,
            email_done boolean NOT NULL DEFAULT false,
            event_done boolean NOT NULL DEFAULT false,
            attempts integer NOT NULL DEFAULT 0,
            next_attempt_at timestamptz NOT NULL DEFAULT clock_timestamp()
        );
        CREATE INDEX alerts_pending ON \(s).alerts (next_attempt_at) WHERE NOT (email_done AND event_done);

        """
    }
}
