-- Scenarios, plan runs with their lineage and results, and the workbooks published from them.
CREATE TABLE scenarios (
    id             TEXT        NOT NULL PRIMARY KEY,
    name           TEXT        NOT NULL,
    description    TEXT        NOT NULL,
    overrides_json TEXT        NOT NULL,
    created_at     $timestamp$ NOT NULL
);

CREATE TABLE plan_runs (
    id            TEXT        NOT NULL PRIMARY KEY,
    scenario_id   TEXT        NOT NULL REFERENCES scenarios (id),
    status        TEXT        NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
    policy        TEXT        NOT NULL,
    solver        TEXT        NOT NULL,
    solver_status TEXT,
    objective     $double$,
    plan_start    $date$      NOT NULL,
    horizon_days  INTEGER     NOT NULL,
    input_digest  TEXT,
    started_at    $timestamp$ NOT NULL,
    finished_at   $timestamp$,
    error         TEXT
);

-- Lineage: the pull runs whose data a plan run used.
CREATE TABLE plan_run_inputs (
    run_id      TEXT NOT NULL REFERENCES plan_runs (id),
    pull_run_id TEXT NOT NULL REFERENCES pull_runs (id),
    PRIMARY KEY (run_id, pull_run_id)
);

CREATE TABLE plan_allocations (
    run_id           TEXT     NOT NULL REFERENCES plan_runs (id),
    destination_code TEXT     NOT NULL REFERENCES regions (code),
    product_code     TEXT     NOT NULL REFERENCES products (code),
    day              INTEGER  NOT NULL,
    tier             INTEGER  NOT NULL REFERENCES priority_tiers (tier),
    demand           $double$ NOT NULL,
    served           $double$ NOT NULL,
    PRIMARY KEY (run_id, destination_code, product_code, day, tier)
);

CREATE TABLE plan_shipments (
    run_id       TEXT     NOT NULL REFERENCES plan_runs (id),
    from_code    TEXT     NOT NULL REFERENCES regions (code),
    to_code      TEXT     NOT NULL REFERENCES regions (code),
    product_code TEXT     NOT NULL REFERENCES products (code),
    day          INTEGER  NOT NULL,
    quantity     $double$ NOT NULL,
    PRIMARY KEY (run_id, from_code, to_code, product_code, day)
);

CREATE TABLE published_workbooks (
    id         TEXT        NOT NULL PRIMARY KEY,
    run_id     TEXT        NOT NULL REFERENCES plan_runs (id),
    kind       TEXT        NOT NULL,
    file_name  TEXT        NOT NULL,
    sha256     TEXT        NOT NULL,
    bytes      $bigint$    NOT NULL,
    created_at $timestamp$ NOT NULL,
    UNIQUE (run_id, kind, file_name)
);

INSERT INTO scenarios (id, name, description, overrides_json, created_at)
VALUES ('baseline', 'Baseline', 'The daily plan from the latest pulled data, without overrides.', '{}',
'2020-02-01T00:00:00Z');
