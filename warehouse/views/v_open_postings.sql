-- Open, canonical postings (cross-source duplicates folded in: `urls` lists every source URL).
CREATE OR REPLACE VIEW v_open_postings AS
SELECT
    p.id,
    p.source,
    p.source_key,
    p.company,
    p.title,
    p.url,
    list_concat(
        [p.url],
        coalesce(
            (SELECT list(d.url ORDER BY d.id) FROM postings AS d WHERE d.duplicate_of = p.id),
            []
        )
    ) AS urls,
    (SELECT count(*) FROM postings AS d WHERE d.duplicate_of = p.id) AS duplicate_count,
    p.location,
    p.remote,
    p.employment_type,
    p.salary_min,
    p.salary_max,
    p.salary_currency,
    p.salary_period,
    p.posted_at,
    p.first_seen,
    p.last_seen,
    p.min_years_experience,
    p.degree_level,
    p.degree_required,
    p.level,
    (SELECT count(*) FROM posting_requirements AS r WHERE r.posting_id = p.id AND r.required)
        AS required_count,
    (SELECT count(*) FROM posting_requirements AS r WHERE r.posting_id = p.id AND NOT r.required)
        AS preferred_count
FROM postings AS p
WHERE p.closed_at IS NULL AND p.duplicate_of IS NULL;
