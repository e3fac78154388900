INSERT INTO runs (
    run_id, started_at, finished_at, status, stage_counts, source_counts, source_errors,
    failing_sources, held_sources
)
VALUES (
    $run_id, $started_at, $finished_at, $status, CAST($stage_counts AS JSON),
    CAST($source_counts AS JSON), CAST($source_errors AS JSON), CAST($failing_sources AS JSON),
    CAST($held_sources AS JSON)
)
ON CONFLICT (run_id) DO UPDATE SET
    started_at = excluded.started_at,
    finished_at = excluded.finished_at,
    status = excluded.status,
    stage_counts = excluded.stage_counts,
    source_counts = excluded.source_counts,
    source_errors = excluded.source_errors,
    failing_sources = excluded.failing_sources,
    held_sources = excluded.held_sources;
