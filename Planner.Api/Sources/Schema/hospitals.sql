-- The hospital-capacity feed as the health commission's reporting system keeps it (a stand-in for the real source).
CREATE TABLE IF NOT EXISTS hospitals (
    code        TEXT    NOT NULL PRIMARY KEY,
    name        TEXT    NOT NULL,
    county_code TEXT    NOT NULL,
    designated  INTEGER NOT NULL,
    grade       TEXT    NOT NULL,
    row_version BIGINT  NOT NULL
);
CREATE TABLE IF NOT EXISTS capacity_reports (
    hospital_code           TEXT    NOT NULL,
    report_date             TEXT    NOT NULL,
    beds_general_total      INTEGER NOT NULL,
    beds_general_occupied   INTEGER NOT NULL,
    beds_isolation_total    INTEGER NOT NULL,
    beds_isolation_occupied INTEGER NOT NULL,
    beds_icu_total          INTEGER NOT NULL,
    beds_icu_occupied       INTEGER NOT NULL,
    severe_patients         INTEGER NOT NULL,
    critical_patients       INTEGER NOT NULL,
    ventilators_total       INTEGER NOT NULL,
    ventilators_in_use      INTEGER NOT NULL,
    ecmo_total              INTEGER NOT NULL,
    ecmo_in_use             INTEGER NOT NULL,
    staff_on_duty           INTEGER NOT NULL,
    row_version             BIGINT  NOT NULL,
    PRIMARY KEY (hospital_code, report_date)
);
-- The planner reads rows above its watermark in row_version order: an index makes that a range scan, not a sort of the
-- table.
CREATE INDEX IF NOT EXISTS ix_hospitals_row_version ON hospitals (row_version);
CREATE INDEX IF NOT EXISTS ix_capacity_reports_row_version ON capacity_reports (row_version);
