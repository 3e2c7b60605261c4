-- Pull runs of the situation feed (issue 19).
ALTER TABLE pull_runs DROP CONSTRAINT pull_runs_source_check;
ALTER TABLE pull_runs ADD CONSTRAINT pull_runs_source_check
    CHECK (source IN ('production', 'hospitals', 'teams', 'situation'));
