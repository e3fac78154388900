-- The storage format of an attached database, e.g. 'v1.0.0+' (DuckDB 1.0 and later read it).
SELECT tags['storage_version'] FROM duckdb_databases() WHERE database_name = $name;
