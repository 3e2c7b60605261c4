-- Reference data is imported again whenever a file in data/ changes (issue 19): each import is a numbered version
-- with the sha256 of every file it read, and each plan run records the version it was made with.
CREATE TABLE reference_versions (
    version      INTEGER     NOT NULL PRIMARY KEY,
    files        TEXT        NOT NULL,
    imported_at  $timestamp$ NOT NULL
);

ALTER TABLE plan_runs ADD COLUMN reference_version INTEGER REFERENCES reference_versions (version);
