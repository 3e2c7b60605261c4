-- What the planner pulls from the three source feeds, and the record of every pull.
CREATE TABLE pull_runs (
    id            text    NOT NULL PRIMARY KEY,
    source        text    NOT NULL CHECK (source IN ('production', 'hospitals', 'teams')),
    started_at    timestamptz    NOT NULL,
    finished_at   timestamptz,
    status        text    NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
    rows_read     bigint NOT NULL DEFAULT 0,
    rows_changed  bigint NOT NULL DEFAULT 0,
    rows_rejected bigint NOT NULL DEFAULT 0,
    watermark     text,
    error         text
);
CREATE INDEX ix_pull_runs_source ON pull_runs (source, started_at);

CREATE TABLE rejected_rows (
    id          text NOT NULL PRIMARY KEY,
    pull_run_id text NOT NULL REFERENCES pull_runs (id),
    row_key     text NOT NULL,
    reason      text NOT NULL,
    payload     text NOT NULL
);

CREATE TABLE suppliers (
    code        text NOT NULL PRIMARY KEY,
    name        text NOT NULL,
    county_code text NOT NULL REFERENCES regions (code),
    kind        text NOT NULL CHECK (kind IN ('factory', 'provincial_reserve', 'city_reserve', 'national_allocation')),
    pull_run_id text NOT NULL REFERENCES pull_runs (id)
);

CREATE TABLE supplier_products (
    supplier_code  text    NOT NULL REFERENCES suppliers (code),
    product_code   text    NOT NULL REFERENCES products (code),
    daily_capacity bigint NOT NULL CHECK (daily_capacity >= 0),
    PRIMARY KEY (supplier_code, product_code)
);

CREATE TABLE production_reports (
    supplier_code text    NOT NULL REFERENCES suppliers (code),
    product_code  text    NOT NULL REFERENCES products (code),
    report_date   date    NOT NULL,
    output        bigint NOT NULL CHECK (output >= 0),
    pull_run_id   text    NOT NULL REFERENCES pull_runs (id),
    PRIMARY KEY (supplier_code, product_code, report_date)
);

CREATE TABLE stock_reports (
    supplier_code text    NOT NULL REFERENCES suppliers (code),
    product_code  text    NOT NULL REFERENCES products (code),
    as_of         date    NOT NULL,
    quantity      bigint NOT NULL CHECK (quantity >= 0),
    pull_run_id   text    NOT NULL REFERENCES pull_runs (id),
    PRIMARY KEY (supplier_code, product_code, as_of)
);

CREATE TABLE hospitals (
    code        text    NOT NULL PRIMARY KEY,
    name        text    NOT NULL,
    county_code text    NOT NULL REFERENCES regions (code),
    designated  integer NOT NULL,
    grade       text    NOT NULL,
    pull_run_id text    NOT NULL REFERENCES pull_runs (id)
);

CREATE TABLE capacity_reports (
    hospital_code           text    NOT NULL REFERENCES hospitals (code),
    report_date             date    NOT NULL,
    beds_general_total      integer NOT NULL,
    beds_general_occupied   integer NOT NULL,
    beds_isolation_total    integer NOT NULL,
    beds_isolation_occupied integer NOT NULL,
    beds_icu_total          integer NOT NULL,
    beds_icu_occupied       integer NOT NULL,
    severe_patients         integer NOT NULL,
    critical_patients       integer NOT NULL,
    ventilators_total       integer NOT NULL,
    ventilators_in_use      integer NOT NULL,
    ecmo_total              integer NOT NULL,
    ecmo_in_use             integer NOT NULL,
    staff_on_duty           integer NOT NULL,
    pull_run_id             text    REFERENCES pull_runs (id),
    PRIMARY KEY (hospital_code, report_date)
);

CREATE TABLE medical_teams (
    code           text    NOT NULL PRIMARY KEY,
    name           text    NOT NULL,
    home_city_code text    NOT NULL REFERENCES regions (code),
    level          text    NOT NULL CHECK (level IN ('provincial', 'city')),
    available_from date    NOT NULL,
    available_to   date    NOT NULL,
    rest_days      integer NOT NULL,
    current_site   text    REFERENCES regions (code),
    pull_run_id    text    NOT NULL REFERENCES pull_runs (id)
);

CREATE TABLE team_members (
    team_code text    NOT NULL REFERENCES medical_teams (code),
    specialty text    NOT NULL CHECK (specialty IN ('critical_care', 'respiratory', 'infectious_disease', 'icu_nursing', 'general_nursing', 'infection_control')),
    members   integer NOT NULL CHECK (members >= 0),
    PRIMARY KEY (team_code, specialty)
);

CREATE TABLE assistance_requests (
    code          text    NOT NULL PRIMARY KEY,
    site_code     text    NOT NULL REFERENCES regions (code),
    kind          text    NOT NULL CHECK (kind IN ('supply', 'team')),
    product_code  text    REFERENCES products (code),
    specialty     text,
    quantity      bigint NOT NULL CHECK (quantity >= 0),
    start_date    date    NOT NULL,
    duration_days integer NOT NULL CHECK (duration_days > 0)
);
