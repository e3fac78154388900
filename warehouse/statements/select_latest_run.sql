SELECT
    run_id, started_at, finished_at, status, CAST(stage_counts AS VARCHAR),
    CAST(source_counts AS VARCHAR), CAST(source_errors AS VARCHAR),
    CAST(failing_sources AS VARCHAR), CAST(held_sources AS VARCHAR)
FROM runs
ORDER BY started_at DESC, run_id DESC
LIMIT 1;
