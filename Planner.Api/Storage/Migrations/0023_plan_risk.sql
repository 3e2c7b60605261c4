-- The plan's risk of running out (issue 22), measured on forecast paths the plan was not made on and written with
-- the run's results: the stockout target it was made for and the number of paths (null: a run recorded before risk
-- was measured); per destination, product and tier the mean need, the units positioned for it (with its buffer),
-- what supply or lead times left unpositioned (more than 0: the target cannot hold there), the share of paths
-- with a shortfall and its standard error, the mean and 95th-percentile units short; per product and tier the same
-- over all destinations (the 95th percentile of the total, which no sum of the destinations' gives). Read by the
-- map's stockout measure and the comparison of two runs.
ALTER TABLE plan_runs ADD COLUMN stockout_target $double$;
ALTER TABLE plan_runs ADD COLUMN risk_paths INTEGER;

CREATE TABLE plan_risk (
    run_id               TEXT     NOT NULL REFERENCES plan_runs (id),
    destination_code     TEXT     NOT NULL REFERENCES regions (code),
    product_code         TEXT     NOT NULL REFERENCES products (code),
    tier                 INTEGER  NOT NULL,
    expected_need        $double$ NOT NULL,
    positioned           $double$ NOT NULL,
    buffer               $double$ NOT NULL,
    unpositioned         $double$ NOT NULL,
    stockout_probability $double$ NOT NULL,
    standard_error       $double$ NOT NULL,
    expected_shortfall   $double$ NOT NULL,
    p95_shortfall        $double$ NOT NULL,
    PRIMARY KEY (run_id, destination_code, product_code, tier)
);

CREATE TABLE plan_risk_tiers (
    run_id             TEXT     NOT NULL REFERENCES plan_runs (id),
    product_code       TEXT     NOT NULL REFERENCES products (code),
    tier               INTEGER  NOT NULL,
    expected_shortfall $double$ NOT NULL,
    p95_shortfall      $double$ NOT NULL,
    expected_need      $double$ NOT NULL,
    expected_fill      $double$ NOT NULL,
    PRIMARY KEY (run_id, product_code, tier)
);
