-- The fourth feed (issue 19): the epidemic situation by county and day, which the forecasts of people under
-- observation, risk levels and employees on post are made from. Revised cumulative counts that go down are kept as
-- reported (the forecasts warn about them); a county's risk level holds from its effective date until the next.
CREATE TABLE situation_reports (
    county_code          TEXT     NOT NULL REFERENCES regions (code),
    report_date          $date$   NOT NULL,
    confirmed_cumulative $bigint$ NOT NULL CHECK (confirmed_cumulative >= 0),
    new_confirmed        $bigint$ NOT NULL CHECK (new_confirmed >= 0),
    under_observation    $bigint$ NOT NULL CHECK (under_observation >= 0),
    pull_run_id          TEXT     NOT NULL REFERENCES pull_runs (id),
    PRIMARY KEY (county_code, report_date)
);

CREATE TABLE county_risk_levels (
    county_code    TEXT    NOT NULL REFERENCES regions (code),
    effective_date $date$  NOT NULL,
    risk_level     INTEGER NOT NULL CHECK (risk_level BETWEEN 1 AND 5),
    pull_run_id    TEXT    NOT NULL REFERENCES pull_runs (id),
    PRIMARY KEY (county_code, effective_date)
);

CREATE TABLE workforce_reports (
    county_code       TEXT     NOT NULL REFERENCES regions (code),
    report_date       $date$   NOT NULL,
    employees_on_post $bigint$ NOT NULL CHECK (employees_on_post >= 0),
    pull_run_id       TEXT     NOT NULL REFERENCES pull_runs (id),
    PRIMARY KEY (county_code, report_date)
);
