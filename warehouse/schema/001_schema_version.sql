-- One row per applied migration; the highest version is the schema's version.
CREATE TABLE IF NOT EXISTS schema_version (
    version INTEGER PRIMARY KEY CHECK (version > 0),
    name VARCHAR NOT NULL,
    applied_at TIMESTAMP NOT NULL
);
