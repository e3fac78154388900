-- The skills taxonomy's concepts (replaced whole by each load).
CREATE TABLE IF NOT EXISTS concepts (
    id VARCHAR PRIMARY KEY,
    name VARCHAR NOT NULL,
    kind VARCHAR NOT NULL
        CHECK (kind IN ('skill', 'method', 'tool', 'credential', 'degree', 'domain', 'level')),
    category VARCHAR NOT NULL,
    description VARCHAR,
    extension BOOLEAN NOT NULL,
    source_article VARCHAR,
    source_section VARCHAR NOT NULL,
    taxonomy_hash VARCHAR NOT NULL
);
