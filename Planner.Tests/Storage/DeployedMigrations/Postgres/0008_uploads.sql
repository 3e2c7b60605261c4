-- Hospital capacity uploaded by hospital administrators through the capacity template. One row per accepted
-- file; the same file uploaded again (same sha256) finds its earlier upload and writes nothing.
CREATE TABLE uploads (
    id           text    NOT NULL PRIMARY KEY,
    kind         text    NOT NULL CHECK (kind IN ('capacity')),
    file_name    text    NOT NULL,
    sha256       text    NOT NULL,
    bytes        integer NOT NULL,
    rows_read    integer NOT NULL,
    rows_changed integer NOT NULL,
    uploaded_by  text,
    uploaded_at  timestamptz NOT NULL,
    UNIQUE (kind, sha256)
);

-- An uploaded report replaces the pulled one of the same hospital and day (and a later pull replaces it again):
-- upload_id says where the row came from, notes is the administrator's free text, stored as typed.
ALTER TABLE capacity_reports ADD COLUMN upload_id text REFERENCES uploads (id);
ALTER TABLE capacity_reports ADD COLUMN notes text;

-- Staff on duty by specialty, and days of supply on hand and whether more can be obtained per PPE product
-- (the NHSN/SANER supply-pathway fields), as uploaded with a capacity report.
CREATE TABLE capacity_staff (
    hospital_code text    NOT NULL REFERENCES hospitals (code),
    report_date   date NOT NULL,
    specialty     text    NOT NULL,
    staff         integer NOT NULL CHECK (staff >= 0),
    upload_id     text    NOT NULL REFERENCES uploads (id),
    PRIMARY KEY (hospital_code, report_date, specialty)
);
CREATE TABLE capacity_supplies (
    hospital_code text    NOT NULL REFERENCES hospitals (code),
    report_date   date NOT NULL,
    product_code  text    NOT NULL REFERENCES products (code),
    days_on_hand  integer NOT NULL CHECK (days_on_hand >= 0),
    can_obtain    integer NOT NULL CHECK (can_obtain IN (0, 1)),
    upload_id     text    NOT NULL REFERENCES uploads (id),
    PRIMARY KEY (hospital_code, report_date, product_code)
);

-- Lineage: the uploads whose reports a plan run used.
CREATE TABLE plan_run_uploads (
    run_id    text NOT NULL REFERENCES plan_runs (id),
    upload_id text NOT NULL REFERENCES uploads (id),
    PRIMARY KEY (run_id, upload_id)
);
