-- The concepts each candidate has, with years of experience when known.
CREATE TABLE IF NOT EXISTS candidate_concepts (
    candidate_id VARCHAR NOT NULL,
    concept_id VARCHAR NOT NULL,
    years DOUBLE CHECK (years IS NULL OR years >= 0),
    PRIMARY KEY (candidate_id, concept_id)
);
