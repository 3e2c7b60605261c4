-- Scenarios, plan runs with their lineage and results, and the workbooks published from them.
CREATE TABLE scenarios (
    id             text NOT NULL PRIMARY KEY,
    name           text NOT NULL,
    description    text NOT NULL,
    overrides_json text NOT NULL,
    created_at     timestamptz NOT NULL
);

CREATE TABLE plan_runs (
    id            text    NOT NULL PRIMARY KEY,
    scenario_id   text    NOT NULL REFERENCES scenarios (id),
    status        text    NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
    policy        text    NOT NULL,
    solver        text    NOT NULL,
    solver_status text,
    objective     double precision,
    plan_start    date    NOT NULL,
    horizon_days  integer NOT NULL,
    input_digest  text,
    started_at    timestamptz    NOT NULL,
    finished_at   timestamptz,
    error         text
);

-- Lineage: the pull runs whose data a plan run used.
CREATE TABLE plan_run_inputs (
    run_id      text NOT NULL REFERENCES plan_runs (id),
    pull_run_id text NOT NULL REFERENCES pull_runs (id),
    PRIMARY KEY (run_id, pull_run_id)
);

CREATE TABLE plan_allocations (
    run_id           text    NOT NULL REFERENCES plan_runs (id),
    destination_code text    NOT NULL REFERENCES regions (code),
    product_code     text    NOT NULL REFERENCES products (code),
    day              integer NOT NULL,
    tier             integer NOT NULL REFERENCES priority_tiers (tier),
    demand           double precision    NOT NULL,
    served           double precision    NOT NULL,
    PRIMARY KEY (run_id, destination_code, product_code, day, tier)
);

CREATE TABLE plan_shipments (
    run_id       text    NOT NULL REFERENCES plan_runs (id),
    from_code    text    NOT NULL REFERENCES regions (code),
    to_code      text    NOT NULL REFERENCES regions (code),
    product_code text    NOT NULL REFERENCES products (code),
    day          integer NOT NULL,
    quantity     double precision    NOT NULL,
    PRIMARY KEY (run_id, from_code, to_code, product_code, day)
);

CREATE TABLE published_workbooks (
    id         text    NOT NULL PRIMARY KEY,
    run_id     text    NOT NULL REFERENCES plan_runs (id),
    kind       text    NOT NULL,
    file_name  text    NOT NULL,
    sha256     text    NOT NULL,
    bytes      bigint NOT NULL,
    created_at timestamptz    NOT NULL,
    UNIQUE (run_id, kind, file_name)
);

INSERT INTO scenarios (id, name, description, overrides_json, created_at)
VALUES ('baseline', 'Baseline', 'The daily plan from the latest pulled data, without overrides.', '{}', '2020-02-01T00:00:00Z');
