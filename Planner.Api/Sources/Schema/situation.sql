-- The epidemic-situation feed as the health commission's county bulletins keep it (a stand-in for the real source):
-- each county's daily case bulletin, its five-colour risk level from the day it took effect, and the employees back
-- on post as the county's return-to-work office reports them.
CREATE TABLE IF NOT EXISTS case_bulletins (
    county_code          TEXT   NOT NULL,
    report_date          TEXT   NOT NULL,
    confirmed_cumulative BIGINT NOT NULL,
    new_confirmed        BIGINT NOT NULL,
    under_observation    BIGINT NOT NULL,
    row_version          BIGINT NOT NULL,
    PRIMARY KEY (county_code, report_date)
);
CREATE TABLE IF NOT EXISTS risk_map (
    county_code    TEXT    NOT NULL,
    effective_date TEXT    NOT NULL,
    risk_level     INTEGER NOT NULL,
    row_version    BIGINT  NOT NULL,
    PRIMARY KEY (county_code, effective_date)
);
CREATE TABLE IF NOT EXISTS workforce (
    county_code       TEXT   NOT NULL,
    report_date       TEXT   NOT NULL,
    employees_on_post BIGINT NOT NULL,
    row_version       BIGINT NOT NULL,
    PRIMARY KEY (county_code, report_date)
);
CREATE INDEX IF NOT EXISTS ix_case_bulletins_row_version ON case_bulletins (row_version);
CREATE INDEX IF NOT EXISTS ix_risk_map_row_version ON risk_map (row_version);
CREATE INDEX IF NOT EXISTS ix_workforce_row_version ON workforce (row_version);
