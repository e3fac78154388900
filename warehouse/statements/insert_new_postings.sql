INSERT INTO postings (
    id, source, source_key, company, title, url, location, remote, employment_type,
    salary_min, salary_max, salary_currency, salary_period, posted_at, fetched_at,
    description_text, first_seen, last_seen, closed_at, content_hash
)
SELECT
    i.id, i.source, i.source_key, i.company, i.title, i.url, i.location, i.remote,
    i.employment_type, i.salary_min, i.salary_max, i.salary_currency, i.salary_period,
    i.posted_at, i.fetched_at, i.description_text, $seen_at, $seen_at, NULL, i.content_hash
FROM incoming_postings AS i
WHERE NOT EXISTS (SELECT 1 FROM postings AS p WHERE p.id = i.id);
