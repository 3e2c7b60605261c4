-- The gap list (缺口清单) of a run: each need the plan leaves unmet by half a unit or more (destination, product,
-- day, tier), why, and how much of it extra units would close, at which depot and by which day (null when none:
-- no route, too early for any lane, or a delivery lane with no room that day). Written with the run's results,
-- read by GET /api/runs/{id}/gaps.
CREATE TABLE plan_gaps (
    run_id           TEXT     NOT NULL REFERENCES plan_runs (id),
    destination_code TEXT     NOT NULL REFERENCES regions (code),
    product_code     TEXT     NOT NULL REFERENCES products (code),
    day              INTEGER  NOT NULL,
    tier             INTEGER  NOT NULL,
    unmet            $double$ NOT NULL,
    reason           TEXT     NOT NULL,
    closable         $double$ NOT NULL,
    depot_code       TEXT,
    supply_by        INTEGER,
    PRIMARY KEY (run_id, destination_code, product_code, day, tier)
);
