-- Pull runs of the situation feed (issue 19). SQLite cannot change a CHECK constraint in place: the table is made
-- again and renamed (SQLite's documented procedure; DbUp's connection has foreign keys off, and the tables that refer
-- to pull_runs by name refer to the new one once it is renamed).
CREATE TABLE pull_runs_new (
    id            TEXT        NOT NULL PRIMARY KEY,
    source        TEXT        NOT NULL CHECK (source IN ('production', 'hospitals', 'teams', 'situation')),
    started_at    $timestamp$ NOT NULL,
    finished_at   $timestamp$,
    status        TEXT        NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
    rows_read     $bigint$    NOT NULL DEFAULT 0,
    rows_changed  $bigint$    NOT NULL DEFAULT 0,
    rows_rejected $bigint$    NOT NULL DEFAULT 0,
    watermark     TEXT,
    error         TEXT
);
INSERT INTO pull_runs_new (id, source, started_at, finished_at, status, rows_read, rows_changed, rows_rejected,
                           watermark, error)
SELECT id, source, started_at, finished_at, status, rows_read, rows_changed, rows_rejected, watermark, error
FROM pull_runs;
DROP TABLE pull_runs;
ALTER TABLE pull_runs_new RENAME TO pull_runs;
CREATE INDEX ix_pull_runs_source ON pull_runs (source, started_at);
