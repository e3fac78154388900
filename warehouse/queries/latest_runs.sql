-- The ten most recent pipeline runs with their status and counts per stage.
SELECT run_id, started_at, finished_at, status, stage_counts, source_errors
FROM runs
ORDER BY started_at DESC
LIMIT 10;
