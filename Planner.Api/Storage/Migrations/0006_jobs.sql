-- Plan runs queued as jobs (the daily plan and scenario runs). A request is claimed by one worker at a time:
-- `attempts` is the fencing token (a worker publishes only while the request still carries its attempt), and
-- `heartbeat_at` the lease (a request running without a heartbeat for a while is taken over by the next delivery).
CREATE TABLE run_requests (
    id               TEXT        NOT NULL PRIMARY KEY,
    kind             TEXT        NOT NULL CHECK (kind IN ('daily', 'scenario')),
    scenario_id      TEXT        NOT NULL REFERENCES scenarios (id),
    request_json     TEXT        NOT NULL,
    request_key      TEXT        UNIQUE,
    status           TEXT        NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
    attempts         INTEGER     NOT NULL DEFAULT 0,
    worker           TEXT,
    heartbeat_at     $timestamp$,
    cancel_requested $boolean$   NOT NULL DEFAULT $false$,
    step             TEXT,
    run_id           TEXT        REFERENCES plan_runs (id),
    created_at       $timestamp$ NOT NULL,
    finished_at      $timestamp$,
    error            TEXT
);
CREATE INDEX ix_run_requests_status ON run_requests (status, created_at);

-- What a run waited for, how long each step took, and the freshness warnings it was published with.
ALTER TABLE plan_runs ADD COLUMN request_id TEXT REFERENCES run_requests (id);
ALTER TABLE plan_runs ADD COLUMN attempt INTEGER;
ALTER TABLE plan_runs ADD COLUMN snapshot_seconds $double$;
ALTER TABLE plan_runs ADD COLUMN solve_seconds $double$;
ALTER TABLE plan_runs ADD COLUMN publish_seconds $double$;
ALTER TABLE plan_runs ADD COLUMN warnings TEXT;
CREATE UNIQUE INDEX ux_plan_runs_published_request ON plan_runs (request_id) WHERE status = 'succeeded';

-- Published workbooks live in the database: any web node can serve them, and a run publishes its files and its
-- results in one transaction (a killed run leaves no partial file behind).
ALTER TABLE published_workbooks ADD COLUMN content $blob$;
