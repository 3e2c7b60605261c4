-- Hospital capacity uploaded by hospital administrators through the capacity template. One row per accepted
-- file; the same file uploaded again (same sha256) finds its earlier upload and writes nothing.
CREATE TABLE uploads (
    id           TEXT        NOT NULL PRIMARY KEY,
    kind         TEXT        NOT NULL CHECK (kind IN ('capacity')),
    file_name    TEXT        NOT NULL,
    sha256       TEXT        NOT NULL,
    bytes        INTEGER     NOT NULL,
    rows_read    INTEGER     NOT NULL,
    rows_changed INTEGER     NOT NULL,
    uploaded_by  TEXT,
    uploaded_at  $timestamp$ NOT NULL,
    UNIQUE (kind, sha256)
);

-- An uploaded report replaces the pulled one of the same hospital and day (and a later pull replaces it again):
-- upload_id says where the row came from, notes is the administrator's free text, stored as typed.
ALTER TABLE capacity_reports ADD COLUMN upload_id TEXT REFERENCES uploads (id);
ALTER TABLE capacity_reports ADD COLUMN notes TEXT;

-- Staff on duty by specialty, and days of supply on hand and whether more can be obtained per PPE product
-- (the NHSN/SANER supply-pathway fields), as uploaded with a capacity report.
CREATE TABLE capacity_staff (
    hospital_code TEXT    NOT NULL REFERENCES hospitals (code),
    report_date   $date$  NOT NULL,
    specialty     TEXT    NOT NULL,
    staff         INTEGER NOT NULL CHECK (staff >= 0),
    upload_id     TEXT    NOT NULL REFERENCES uploads (id),
    PRIMARY KEY (hospital_code, report_date, specialty)
);
CREATE TABLE capacity_supplies (
    hospital_code TEXT    NOT NULL REFERENCES hospitals (code),
    report_date   $date$  NOT NULL,
    product_code  TEXT    NOT NULL REFERENCES products (code),
    days_on_hand  INTEGER NOT NULL CHECK (days_on_hand >= 0),
    can_obtain    INTEGER NOT NULL CHECK (can_obtain IN (0, 1)),
    upload_id     TEXT    NOT NULL REFERENCES uploads (id),
    PRIMARY KEY (hospital_code, report_date, product_code)
);

-- Lineage: the uploads whose reports a plan run used.
CREATE TABLE plan_run_uploads (
    run_id    TEXT NOT NULL REFERENCES plan_runs (id),
    upload_id TEXT NOT NULL REFERENCES uploads (id),
    PRIMARY KEY (run_id, upload_id)
);
