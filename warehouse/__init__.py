"""The DuckDB warehouse: every SQL statement (as .sql files), loads, publishing, queries."""
