-- What changed for one candidate, run by run: new, improved and closed matches, newest first.
-- param candidate_id: the candidate id, as registered
SELECT
    e.run_id, r.started_at, e.kind, e.score, e.previous_score, e.min_score, e.posting_id,
    p.company, p.title, p.url
FROM match_events AS e
JOIN runs AS r ON r.run_id = e.run_id
JOIN postings AS p ON p.id = e.posting_id
WHERE e.candidate_id = $candidate_id
ORDER BY r.started_at DESC, e.kind, e.score DESC, e.posting_id;
