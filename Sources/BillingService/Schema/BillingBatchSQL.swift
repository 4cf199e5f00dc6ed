/// Many reservations or settlements in one call and one transaction (``GroupCommit``): the same functions as
/// one by one, in the order given, each seeing the ones before it.
enum BillingBatchSQL {
    /// The statements for schema `s`.
    static func sql(_ s: String) -> String {
        """
        CREATE FUNCTION \(s).reserve_many(p_projects text[], p_meters text[], p_units bigint[], p_ids text[],
                                        p_now timestamptz)
        RETURNS TABLE (o_id text, o_outcome text, o_available bigint, o_amount bigint) LANGUAGE plpgsql AS $fn$
        DECLARE
            i integer;
            r record;
        BEGIN
            FOR i IN 1 .. coalesce(array_length(p_ids, 1), 0) LOOP
                SELECT * INTO r FROM \(s).reserve(p_projects[i], p_meters[i], p_units[i], p_ids[i], p_now);
                o_id := p_ids[i];
                o_outcome := r.o_outcome;
                o_available := r.o_available;
                o_amount := r.o_amount;
                RETURN NEXT;
            END LOOP;
        END
        $fn$;

        CREATE FUNCTION \(s).settle_many(p_action text, p_ids text[], p_now timestamptz)
        RETURNS TABLE (o_id text, o_status text) LANGUAGE plpgsql AS $fn$
        DECLARE
            i integer;
        BEGIN
            FOR i IN 1 .. coalesce(array_length(p_ids, 1), 0) LOOP
                o_id := p_ids[i];
                IF p_action = 'capture' THEN
                    o_status := \(s).capture(p_ids[i], p_now);
                ELSE
                    o_status := \(s).release(p_ids[i], p_now);
                END IF;
                RETURN NEXT;
            END LOOP;
        END
        $fn$;

        """
    }
}
