-- Every saved version of a scenario (the scenarios row holds the latest); a plan run records the version it used.
CREATE TABLE scenario_versions (
    scenario_id    text        NOT NULL REFERENCES scenarios (id),
    version        integer     NOT NULL,
    name           text        NOT NULL,
    description    text        NOT NULL,
    overrides_json text        NOT NULL,
    saved_by       text,
    saved_at       timestamptz NOT NULL,
    PRIMARY KEY (scenario_id, version)
);

INSERT INTO scenario_versions (scenario_id, version, name, description, overrides_json, saved_by, saved_at)
SELECT id, 1, name, description, overrides_json, NULL, created_at FROM scenarios;

ALTER TABLE scenarios ADD COLUMN version integer NOT NULL DEFAULT 1;
ALTER TABLE plan_runs ADD COLUMN scenario_version integer;
