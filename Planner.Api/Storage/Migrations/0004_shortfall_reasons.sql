-- Why each unmet need is unmet (lead_time, lane_capacity, reserve_floor, lower_priority, supply_exhausted, policy_rule,
-- no_route), and how many city-to-city transfers a run's plan makes.
ALTER TABLE plan_allocations ADD COLUMN reason TEXT;
ALTER TABLE plan_runs ADD COLUMN transfers INTEGER;
