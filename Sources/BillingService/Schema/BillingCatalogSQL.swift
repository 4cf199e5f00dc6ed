/// The plan catalog (seeded with the contract's table; operators replace rows) and the test clock.
enum BillingCatalogSQL {
    /// The statements for schema `s`.
    static func sql(_ s: String) -> String {
        """
        CREATE TABLE \(s).plans (
            id text PRIMARY KEY CHECK (id ~ '^[a-z][a-z0-9_-]{0,31}$' AND id <> 'trial'),
            name text NOT NULL,
            price_cents bigint NOT NULL CHECK (price_cents BETWEEN 0 AND 1000000000),
            currency text NOT NULL DEFAULT 'USD',
            included_email bigint NOT NULL CHECK (included_email >= 0),
            included_whatsapp bigint NOT NULL CHECK (included_whatsapp >= 0),
            overage_email_cents bigint NOT NULL DEFAULT 1 CHECK (overage_email_cents BETWEEN 0 AND 1000000000),
            overage_whatsapp_cents bigint NOT NULL DEFAULT 5 CHECK (overage_whatsapp_cents BETWEEN 0 AND 1000000000),
            instances integer NOT NULL CHECK (instances >= 0),
            white_label boolean NOT NULL,
            updated_at timestamptz NOT NULL DEFAULT clock_timestamp()
        );
        INSERT INTO \(s).plans (id, name, price_cents, included_email, included_whatsapp, instances, white_label) VALUES
            ('gratis', 'Gratis', 0, 1000, 50, 1, false),
            ('starter', 'Starter', 1500, 20000, 2000, 1, false),
            ('partner', 'Partner', 19900, 500000, 50000, 10, true);
        -- Billing's now: the transaction's start plus every test-clock advance (0 unless BILLING_TEST_CLOCK=1),
        -- shared by every replica; one value for a whole transaction, so its entries and prorations agree.
        CREATE TABLE \(s).clock (
            one boolean PRIMARY KEY DEFAULT true CHECK (one),
            offset_seconds bigint NOT NULL DEFAULT 0 CHECK (offset_seconds >= 0)
        );
        INSERT INTO \(s).clock DEFAULT VALUES;
        CREATE FUNCTION \(s).billing_now() RETURNS timestamptz LANGUAGE sql STABLE AS $fn$
            SELECT now() + make_interval(secs => offset_seconds) FROM \(s).clock
        $fn$;

        """
    }
}
