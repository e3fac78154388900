-- One candidate's events, newest run first, with each posting's title, company and URL:
-- every run's when $until_run_id is NULL (the feed); else run $until_run_id's when
-- $since_run_id is NULL; else those of every run started after $since_run_id up to
-- $until_run_id. At most $limit rows.
WITH bounds AS (
    SELECT
        (SELECT started_at FROM runs WHERE run_id = $until_run_id) AS until_at,
        (SELECT started_at FROM runs WHERE run_id = $since_run_id) AS since_at
)
SELECT
    e.run_id, r.started_at, e.candidate_id, e.posting_id, e.kind, e.score, e.previous_score,
    e.min_score, e.matched, e.missing_required, p.title, p.company, p.url
FROM match_events AS e
JOIN runs AS r ON r.run_id = e.run_id
JOIN postings AS p ON p.id = e.posting_id
CROSS JOIN bounds AS b
WHERE e.candidate_id = $candidate_id
  AND CASE
      WHEN $until_run_id IS NULL THEN TRUE
      WHEN $since_run_id IS NULL THEN e.run_id = $until_run_id
      ELSE r.started_at > b.since_at AND r.started_at <= b.until_at
  END
ORDER BY r.started_at DESC, e.kind, e.score DESC, e.posting_id
LIMIT $limit;
