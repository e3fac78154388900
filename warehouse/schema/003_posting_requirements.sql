-- What each posting asks for: one row per extracted requirement (replaced per posting).
CREATE TABLE IF NOT EXISTS posting_requirements (
    posting_id VARCHAR NOT NULL,
    seq INTEGER NOT NULL CHECK (seq >= 0),
    concept_id VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    required BOOLEAN NOT NULL,
    years DOUBLE CHECK (years IS NULL OR years >= 0),
    evidence VARCHAR NOT NULL,
    start_offset INTEGER NOT NULL CHECK (start_offset >= 0),
    end_offset INTEGER NOT NULL CHECK (end_offset >= start_offset),
    PRIMARY KEY (posting_id, seq)
);
