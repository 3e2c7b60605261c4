-- Care planning: staffing ratios and team PPE kits (reference data), and each run's team assignments, uncovered
-- staffing needs and critical-patient transfers.
CREATE TABLE staffing_ratios (
    specialty              text NOT NULL PRIMARY KEY,
    name                   text NOT NULL,
    name_en                text NOT NULL,
    per_critical_patient   double precision NOT NULL CHECK (per_critical_patient >= 0),
    per_severe_patient     double precision NOT NULL CHECK (per_severe_patient >= 0),
    share_of_staff_on_duty double precision NOT NULL CHECK (share_of_staff_on_duty >= 0 AND share_of_staff_on_duty <= 1),
    note                   text NOT NULL
);

CREATE TABLE team_kits (
    product_code   text NOT NULL PRIMARY KEY REFERENCES products (code),
    per_member_day double precision NOT NULL CHECK (per_member_day >= 0),
    note           text NOT NULL
);

CREATE TABLE plan_team_assignments (
    run_id      text    NOT NULL REFERENCES plan_runs (id),
    team_code   text    NOT NULL,
    need_code   text    NOT NULL,
    site_code   text    NOT NULL,
    from_day    integer NOT NULL,
    to_day      integer NOT NULL,
    specialties text    NOT NULL,
    PRIMARY KEY (run_id, team_code, need_code, from_day)
);

CREATE TABLE plan_unmet_needs (
    run_id    text    NOT NULL REFERENCES plan_runs (id),
    need_code text    NOT NULL,
    site_code text    NOT NULL,
    kind      text    NOT NULL,
    specialty text    NOT NULL,
    week      integer NOT NULL,
    required  integer NOT NULL,
    covered   integer NOT NULL,
    reason    text    NOT NULL,
    PRIMARY KEY (run_id, need_code, specialty, week)
);

CREATE TABLE plan_patient_transfers (
    run_id        text    NOT NULL REFERENCES plan_runs (id),
    from_hospital text    NOT NULL,
    to_hospital   text    NOT NULL,
    patients      integer NOT NULL,
    km            double precision    NOT NULL,
    PRIMARY KEY (run_id, from_hospital, to_hospital)
);
