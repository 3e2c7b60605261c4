-- Care planning: staffing ratios and team PPE kits (reference data), and each run's team assignments, uncovered
-- staffing needs and critical-patient transfers.
CREATE TABLE staffing_ratios (
    specialty              TEXT     NOT NULL PRIMARY KEY,
    name                   TEXT     NOT NULL,
    name_en                TEXT     NOT NULL,
    per_critical_patient   $double$ NOT NULL CHECK (per_critical_patient >= 0),
    per_severe_patient     $double$ NOT NULL CHECK (per_severe_patient >= 0),
    share_of_staff_on_duty $double$ NOT NULL CHECK (share_of_staff_on_duty >= 0 AND share_of_staff_on_duty <= 1),
    note                   TEXT     NOT NULL
);

CREATE TABLE team_kits (
    product_code   TEXT     NOT NULL PRIMARY KEY REFERENCES products (code),
    per_member_day $double$ NOT NULL CHECK (per_member_day >= 0),
    note           TEXT     NOT NULL
);

CREATE TABLE plan_team_assignments (
    run_id      TEXT    NOT NULL REFERENCES plan_runs (id),
    team_code   TEXT    NOT NULL,
    need_code   TEXT    NOT NULL,
    site_code   TEXT    NOT NULL,
    from_day    INTEGER NOT NULL,
    to_day      INTEGER NOT NULL,
    specialties TEXT    NOT NULL,
    PRIMARY KEY (run_id, team_code, need_code, from_day)
);

CREATE TABLE plan_unmet_needs (
    run_id    TEXT    NOT NULL REFERENCES plan_runs (id),
    need_code TEXT    NOT NULL,
    site_code TEXT    NOT NULL,
    kind      TEXT    NOT NULL,
    specialty TEXT    NOT NULL,
    week      INTEGER NOT NULL,
    required  INTEGER NOT NULL,
    covered   INTEGER NOT NULL,
    reason    TEXT    NOT NULL,
    PRIMARY KEY (run_id, need_code, specialty, week)
);

CREATE TABLE plan_patient_transfers (
    run_id        TEXT     NOT NULL REFERENCES plan_runs (id),
    from_hospital TEXT     NOT NULL,
    to_hospital   TEXT     NOT NULL,
    patients      INTEGER  NOT NULL,
    km            $double$ NOT NULL,
    PRIMARY KEY (run_id, from_hospital, to_hospital)
);
