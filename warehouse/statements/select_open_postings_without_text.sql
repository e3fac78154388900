-- select_open_postings without the description text (an empty string in its place):
-- what scoring and dedup read every night, without moving every description out of DuckDB.
SELECT
    id, source, company, title, url, '' AS description_text, location, remote,
    employment_type, salary_min, salary_max, salary_currency, salary_period, posted_at,
    fetched_at, content_hash, min_years_experience, degree_level, degree_fields,
    degree_required, degree_or_equivalent, level
FROM postings
WHERE closed_at IS NULL AND duplicate_of IS NULL
ORDER BY id;
