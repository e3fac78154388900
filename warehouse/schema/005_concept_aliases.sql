-- Every surface form (name and aliases) of every concept, with its normalised form.
CREATE TABLE IF NOT EXISTS concept_aliases (
    normalized VARCHAR PRIMARY KEY,
    alias VARCHAR NOT NULL,
    concept_id VARCHAR NOT NULL,
    is_name BOOLEAN NOT NULL
);
