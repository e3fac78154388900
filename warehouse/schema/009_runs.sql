-- One row per pipeline run.
CREATE TABLE IF NOT EXISTS runs (
    run_id VARCHAR PRIMARY KEY CHECK (length(run_id) > 0),
    started_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    status VARCHAR NOT NULL CHECK (status IN ('running', 'success', 'partial', 'failed')),
    stage_counts JSON NOT NULL,
    source_counts JSON NOT NULL,
    source_errors JSON NOT NULL,
    CHECK (finished_at IS NULL OR finished_at >= started_at)
);
