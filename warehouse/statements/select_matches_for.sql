SELECT
    m.candidate_id, m.posting_id, m.score, CAST(m.breakdown AS VARCHAR), m.matched,
    m.missing_required, m.missing_preferred, m.rank, m.run_id,
    p.id, p.source, p.company, p.title, p.url, p.description_text, p.location, p.remote,
    p.employment_type, p.salary_min, p.salary_max, p.salary_currency, p.salary_period,
    p.posted_at, p.fetched_at, p.content_hash,
    list_concat(
        [p.url],
        coalesce(
            (SELECT list(d.url ORDER BY d.id) FROM postings AS d WHERE d.duplicate_of = p.id),
            []
        )
    ) AS urls
FROM matches AS m
JOIN postings AS p ON p.id = m.posting_id
WHERE m.candidate_id = $candidate_id AND p.closed_at IS NULL
ORDER BY m.rank, m.posting_id
LIMIT $top;
