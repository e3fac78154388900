-- Input rows a load refused, with the reason and the raw row as JSON.
CREATE TABLE IF NOT EXISTS rejected_rows (
    run_id VARCHAR NOT NULL,
    table_name VARCHAR NOT NULL,
    record_key VARCHAR,
    reason VARCHAR NOT NULL,
    raw JSON NOT NULL,
    rejected_at TIMESTAMP NOT NULL
);
