-- The day each shipment line arrives (departure day + the lane's lead days), as the run planned it; null for runs
-- stored before, whose lines count as arriving the day they leave: overdue a lead time early rather than never.
ALTER TABLE plan_shipments ADD COLUMN arrival_day INTEGER;

-- What a city or county officer confirmed arrived against a shipment line of a run. A line is the row of
-- plan_shipments it confirms, named by that table's key (run, from, to, product, departure day): runs are never
-- changed once stored, so the key is stable, and a line has at most one receipt. Quantities are whole units:
-- received in good order, short (never arrived) and damaged; together they never exceed what was shipped.
CREATE TABLE shipment_receipts (
    run_id       TEXT        NOT NULL,
    from_code    TEXT        NOT NULL,
    to_code      TEXT        NOT NULL,
    product_code TEXT        NOT NULL,
    day          INTEGER     NOT NULL,
    received     $bigint$    NOT NULL CHECK (received >= 0),
    shortage     $bigint$    NOT NULL DEFAULT 0 CHECK (shortage >= 0),
    damaged      $bigint$    NOT NULL DEFAULT 0 CHECK (damaged >= 0),
    received_on  $date$      NOT NULL,
    note         TEXT,
    source       TEXT        NOT NULL CHECK (source IN ('page', 'api', 'workbook')),
    recorded_by  TEXT        NOT NULL,
    recorded_at  $timestamp$ NOT NULL,
    PRIMARY KEY (run_id, from_code, to_code, product_code, day),
    FOREIGN KEY (run_id, from_code, to_code, product_code, day)
        REFERENCES plan_shipments (run_id, from_code, to_code, product_code, day)
);
CREATE INDEX ix_shipment_receipts_to ON shipment_receipts (run_id, to_code);
