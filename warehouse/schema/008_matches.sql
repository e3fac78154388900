-- The latest score of each candidate against each open posting.
CREATE TABLE IF NOT EXISTS matches (
    candidate_id VARCHAR NOT NULL,
    posting_id VARCHAR NOT NULL,
    score DOUBLE NOT NULL CHECK (score >= 0 AND score <= 100),
    breakdown JSON NOT NULL,
    matched VARCHAR[] NOT NULL,
    missing_required VARCHAR[] NOT NULL,
    missing_preferred VARCHAR[] NOT NULL,
    rank INTEGER NOT NULL CHECK (rank >= 1),
    run_id VARCHAR NOT NULL,
    PRIMARY KEY (candidate_id, posting_id)
);
