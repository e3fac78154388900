SELECT
    run_id, started_at, finished_at, status, CAST(stage_counts AS VARCHAR),
    CAST(source_counts AS VARCHAR), CAST(source_errors AS VARCHAR),
    CAST(failing_sources AS VARCHAR), CAST(held_sources AS VARCHAR)
FROM runs
WHERE run_id = $run_id;
