-- Row-by-row baseline, used only by bench/bench_load.py to measure executemany.
INSERT INTO postings (
    id, source, source_key, company, title, url, location, remote, employment_type,
    salary_min, salary_max, salary_currency, salary_period, posted_at, fetched_at,
    description_text, first_seen, last_seen, closed_at, content_hash
)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17, NULL, $18);
