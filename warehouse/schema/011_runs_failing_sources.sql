-- The boards that failed on each of the last N nights of a run (N: setting
-- failing_source_nights), with their count of consecutive failed nights.
ALTER TABLE runs ADD COLUMN failing_sources JSON DEFAULT '{}';
ALTER TABLE runs ALTER COLUMN failing_sources SET NOT NULL;
