-- Registered candidates; profile is the validated profile as JSON.
CREATE TABLE IF NOT EXISTS candidates (
    id VARCHAR PRIMARY KEY CHECK (length(id) > 0),
    name VARCHAR NOT NULL,
    email VARCHAR,
    profile JSON NOT NULL,
    added_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
