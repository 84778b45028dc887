-- The trigger `erasure_only` of every table the service's role only inserts into: consents,
-- agreements, reviews and reports are never edited, yet erasure (service/clients/erasure.py,
-- walking the data map) must blank their free texts. The role holds UPDATE on exactly those
-- columns, and this refuses any update outside an erasure's own transaction.
CREATE OR REPLACE FUNCTION refuse_update_outside_erasure() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Set for its own transaction by service/clients/erasure.py, nowhere else.
    IF current_setting('casework.erasing', true) IS DISTINCT FROM 'on' THEN
        RAISE EXCEPTION 'rows of % are never edited; only erasure blanks them', TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
$$;
