-- What changed for each candidate in each run (new, improved, closed matches), and the
-- digests sent about it. A run's events are replaced whole when it is recorded again.
CREATE TABLE IF NOT EXISTS match_events (
    run_id VARCHAR NOT NULL CHECK (length(run_id) > 0),
    candidate_id VARCHAR NOT NULL,
    posting_id VARCHAR NOT NULL,
    kind VARCHAR NOT NULL CHECK (kind IN ('new', 'improved', 'closed')),
    score DOUBLE NOT NULL CHECK (score >= 0 AND score <= 100),
    previous_score DOUBLE CHECK (previous_score IS NULL OR (previous_score >= 0 AND previous_score <= 100)),
    min_score DOUBLE NOT NULL CHECK (min_score >= 0 AND min_score <= 100),
    matched VARCHAR[] NOT NULL,
    missing_required VARCHAR[] NOT NULL,
    recorded_at TIMESTAMP NOT NULL,
    PRIMARY KEY (run_id, candidate_id, posting_id)
);
CREATE TABLE IF NOT EXISTS digest_deliveries (
    run_id VARCHAR NOT NULL CHECK (length(run_id) > 0),
    candidate_id VARCHAR NOT NULL,
    target VARCHAR NOT NULL,
    status VARCHAR NOT NULL CHECK (status IN ('sent', 'failed')),
    attempts INTEGER NOT NULL CHECK (attempts >= 1),
    events INTEGER NOT NULL CHECK (events >= 0),
    error VARCHAR,
    delivered_at TIMESTAMP NOT NULL,
    PRIMARY KEY (run_id, candidate_id, target)
);
