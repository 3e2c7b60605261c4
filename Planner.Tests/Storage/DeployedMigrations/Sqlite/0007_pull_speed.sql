-- PostgreSQL's 0007 drops the foreign keys of production_reports and stock_reports, which only repeated the
-- puller's own code checks and made the first pull three times slower. SQLite cannot drop a constraint without
-- rebuilding the table, so its schema stays as it is and the puller turns foreign key checks off on its own
-- connection instead (FeedPuller). Nothing to change here; the number keeps both dialects in step.
SELECT 1;
