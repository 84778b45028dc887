-- The trigger `erasure_only` of every table the service's role only inserts into: consents,
-- agreements, reviews and reports are never edited, yet erasure (service/clients/erasure.py,
-- walking the data map) must blank their free texts. The role holds UPDATE on exactly those
-- columns, and this refuses any update outside an erasure's own transaction.
-- One exception, on the tables whose trigger passes 'reached_by' (migration 0007): an update
-- that changes nothing but the partner organisations reaching the row passes — a new referral
-- appends its organisation to the case's content (service/tenants/reach.py).
CREATE OR REPLACE FUNCTION refuse_update_outside_erasure() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    reach uuid[];
    only_reach boolean;
BEGIN
    -- Set for its own transaction by service/clients/erasure.py, nowhere else.
    IF current_setting('casework.erasing', true) IS DISTINCT FROM 'on' THEN
        IF TG_NARGS = 1 AND TG_ARGV[0] = 'reached_by' THEN
            -- The row as it was but for the reach, compared with the row as it is to be.
            reach := NEW.reached_by;
            NEW.reached_by := OLD.reached_by;
            only_reach := NEW IS NOT DISTINCT FROM OLD;
            NEW.reached_by := reach;
            IF only_reach THEN
                RETURN NEW;
            END IF;
        END IF;
        RAISE EXCEPTION 'rows of % are never edited; only erasure blanks them', TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
$$;
