-- The medical-team availability feed as the health commission's roster keeps it (a stand-in for the real source).
CREATE TABLE IF NOT EXISTS teams (
    code           TEXT    NOT NULL PRIMARY KEY,
    name           TEXT    NOT NULL,
    home_city_code TEXT    NOT NULL,
    level          TEXT    NOT NULL,
    available_from TEXT    NOT NULL,
    available_to   TEXT    NOT NULL,
    rest_days      INTEGER NOT NULL,
    current_site   TEXT,
    row_version    BIGINT  NOT NULL
);
CREATE TABLE IF NOT EXISTS team_members (
    team_code   TEXT    NOT NULL,
    specialty   TEXT    NOT NULL,
    members     INTEGER NOT NULL,
    row_version BIGINT  NOT NULL,
    PRIMARY KEY (team_code, specialty)
);
-- The planner reads rows above its watermark in row_version order: an index makes that a range scan, not a sort of the
-- table.
CREATE INDEX IF NOT EXISTS ix_teams_row_version ON teams (row_version);
CREATE INDEX IF NOT EXISTS ix_team_members_row_version ON team_members (row_version);
