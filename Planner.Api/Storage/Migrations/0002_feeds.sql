-- What the planner pulls from the three source feeds, and the record of every pull.
CREATE TABLE pull_runs (
    id            TEXT        NOT NULL PRIMARY KEY,
    source        TEXT        NOT NULL CHECK (source IN ('production', 'hospitals', 'teams')),
    started_at    $timestamp$ NOT NULL,
    finished_at   $timestamp$,
    status        TEXT        NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
    rows_read     $bigint$    NOT NULL DEFAULT 0,
    rows_changed  $bigint$    NOT NULL DEFAULT 0,
    rows_rejected $bigint$    NOT NULL DEFAULT 0,
    watermark     TEXT,
    error         TEXT
);
CREATE INDEX ix_pull_runs_source ON pull_runs (source, started_at);

CREATE TABLE rejected_rows (
    id          TEXT NOT NULL PRIMARY KEY,
    pull_run_id TEXT NOT NULL REFERENCES pull_runs (id),
    row_key     TEXT NOT NULL,
    reason      TEXT NOT NULL,
    payload     TEXT NOT NULL
);

CREATE TABLE suppliers (
    code        TEXT NOT NULL PRIMARY KEY,
    name        TEXT NOT NULL,
    county_code TEXT NOT NULL REFERENCES regions (code),
    kind        TEXT NOT NULL CHECK (kind IN ('factory', 'provincial_reserve', 'city_reserve', 'national_allocation')),
    pull_run_id TEXT NOT NULL REFERENCES pull_runs (id)
);

CREATE TABLE supplier_products (
    supplier_code  TEXT     NOT NULL REFERENCES suppliers (code),
    product_code   TEXT     NOT NULL REFERENCES products (code),
    daily_capacity $bigint$ NOT NULL CHECK (daily_capacity >= 0),
    PRIMARY KEY (supplier_code, product_code)
);

CREATE TABLE production_reports (
    supplier_code TEXT     NOT NULL REFERENCES suppliers (code),
    product_code  TEXT     NOT NULL REFERENCES products (code),
    report_date   $date$   NOT NULL,
    output        $bigint$ NOT NULL CHECK (output >= 0),
    pull_run_id   TEXT     NOT NULL REFERENCES pull_runs (id),
    PRIMARY KEY (supplier_code, product_code, report_date)
);

CREATE TABLE stock_reports (
    supplier_code TEXT     NOT NULL REFERENCES suppliers (code),
    product_code  TEXT     NOT NULL REFERENCES products (code),
    as_of         $date$   NOT NULL,
    quantity      $bigint$ NOT NULL CHECK (quantity >= 0),
    pull_run_id   TEXT     NOT NULL REFERENCES pull_runs (id),
    PRIMARY KEY (supplier_code, product_code, as_of)
);

CREATE TABLE hospitals (
    code        TEXT    NOT NULL PRIMARY KEY,
    name        TEXT    NOT NULL,
    county_code TEXT    NOT NULL REFERENCES regions (code),
    designated  INTEGER NOT NULL,
    grade       TEXT    NOT NULL,
    pull_run_id TEXT    NOT NULL REFERENCES pull_runs (id)
);

CREATE TABLE capacity_reports (
    hospital_code           TEXT    NOT NULL REFERENCES hospitals (code),
    report_date             $date$  NOT NULL,
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
    pull_run_id             TEXT    REFERENCES pull_runs (id),
    PRIMARY KEY (hospital_code, report_date)
);

CREATE TABLE medical_teams (
    code           TEXT    NOT NULL PRIMARY KEY,
    name           TEXT    NOT NULL,
    home_city_code TEXT    NOT NULL REFERENCES regions (code),
    level          TEXT    NOT NULL CHECK (level IN ('provincial', 'city')),
    available_from $date$  NOT NULL,
    available_to   $date$  NOT NULL,
    rest_days      INTEGER NOT NULL,
    current_site   TEXT    REFERENCES regions (code),
    pull_run_id    TEXT    NOT NULL REFERENCES pull_runs (id)
);

CREATE TABLE team_members (
    team_code TEXT    NOT NULL REFERENCES medical_teams (code),
    specialty TEXT    NOT NULL CHECK (specialty IN ('critical_care', 'respiratory', 'infectious_disease',
                                                    'icu_nursing', 'general_nursing', 'infection_control')),
    members   INTEGER NOT NULL CHECK (members >= 0),
    PRIMARY KEY (team_code, specialty)
);

CREATE TABLE assistance_requests (
    code          TEXT     NOT NULL PRIMARY KEY,
    site_code     TEXT     NOT NULL REFERENCES regions (code),
    kind          TEXT     NOT NULL CHECK (kind IN ('supply', 'team')),
    product_code  TEXT     REFERENCES products (code),
    specialty     TEXT,
    quantity      $bigint$ NOT NULL CHECK (quantity >= 0),
    start_date    $date$   NOT NULL,
    duration_days INTEGER  NOT NULL CHECK (duration_days > 0)
);
