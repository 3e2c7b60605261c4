-- A planner's approval (签发) of one run as the dispatch plan (issue 21). Every approval is kept: the plan in force
-- is the latest approval, and a newer one supersedes it. Numbers count up, so that two approvals in the same instant
-- still have an order. Who approved is kept by name and as they were called then (a user may be removed later).
CREATE TABLE plan_approvals (
    number           INTEGER     NOT NULL PRIMARY KEY,
    request_id       TEXT        NOT NULL REFERENCES run_requests (id),
    run_id           TEXT        NOT NULL REFERENCES plan_runs (id),
    approved_by      TEXT        NOT NULL,
    approved_by_name TEXT        NOT NULL,
    approved_at      $timestamp$ NOT NULL
);
CREATE INDEX ix_plan_approvals_request ON plan_approvals (request_id);
