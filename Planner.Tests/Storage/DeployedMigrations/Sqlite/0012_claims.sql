-- One pull of a feed at a time, across every process, held as a lease: a worker killed during a pull holds its
-- feed only until its heartbeat is older than the lease, and the next claimant marks that pull run abandoned.
-- `token` fences the holder's commit: a pull whose claim was taken over cannot commit.
CREATE TABLE feed_claims (
    source       TEXT NOT NULL PRIMARY KEY,
    token        TEXT NOT NULL,
    worker       TEXT NOT NULL,
    pull_run_id  TEXT,
    claimed_at   TEXT NOT NULL,
    heartbeat_at TEXT NOT NULL
);

-- Where a run was asked for: through the queue (web, API, schedule, `enqueue`) or by the `plan` command in its
-- own process. Both are runs like any other, listed and downloadable in the web app.
ALTER TABLE run_requests ADD COLUMN origin TEXT NOT NULL DEFAULT 'queue' CHECK (origin IN ('queue', 'cli'));
