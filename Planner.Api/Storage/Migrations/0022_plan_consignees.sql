-- Who receives what each county is served of a run (issue 21 item 2): per county, product and segment, whole units
-- for each hospital (hospital_code; null: the county's health commission for its hospitals), for the county's
-- enterprises or for its villages (kind). Written with the run's results; the dispatch page splits each shipment
-- into a county among these receivers as the depot's workbook does.
CREATE TABLE plan_consignees (
    run_id        TEXT    NOT NULL REFERENCES plan_runs (id),
    county_code   TEXT    NOT NULL REFERENCES regions (code),
    kind          TEXT    NOT NULL CHECK (kind IN ('hospitals', 'villages', 'enterprises')),
    hospital_code TEXT,
    product_code  TEXT    NOT NULL REFERENCES products (code),
    segment       TEXT    NOT NULL,
    quantity      INTEGER NOT NULL CHECK (quantity > 0)
);
CREATE INDEX plan_consignees_run ON plan_consignees (run_id, county_code);
