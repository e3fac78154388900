-- Tonight's matches (incoming_events: candidate_id, posting_id, score, matched,
-- missing_required) against the stored ones, before they are replaced. A candidate's
-- min_score is their profile's alerts.min_score, else $min_score (scoring.yaml threshold).
-- new: at or above min_score tonight, below it or not stored before;
-- improved: at or above min_score both times, up by at least $improved_points;
-- closed: stored at or above min_score, its posting now closed.
INSERT INTO match_events (
    run_id, candidate_id, posting_id, kind, score, previous_score, min_score, matched,
    missing_required, recorded_at
)
WITH limits AS (
    SELECT
        c.id AS candidate_id,
        coalesce(
            TRY_CAST(json_extract_string(c.profile, '$.alerts.min_score') AS DOUBLE), $min_score
        ) AS min_score
    FROM candidates AS c
),
tonight AS (
    SELECT i.*, l.min_score, m.score AS previous_score
    FROM incoming_events AS i
    JOIN limits AS l ON l.candidate_id = i.candidate_id
    LEFT JOIN matches AS m ON m.candidate_id = i.candidate_id AND m.posting_id = i.posting_id
    WHERE i.score >= l.min_score
)
SELECT
    $run_id, candidate_id, posting_id,
    CASE WHEN previous_score IS NULL OR previous_score < min_score THEN 'new' ELSE 'improved' END,
    score, previous_score, min_score, matched, missing_required, $recorded_at
FROM tonight
WHERE previous_score IS NULL OR previous_score < min_score
   OR score - previous_score >= $improved_points
UNION ALL
SELECT
    $run_id, m.candidate_id, m.posting_id, 'closed', m.score, m.score, l.min_score, m.matched,
    m.missing_required, $recorded_at
FROM matches AS m
JOIN limits AS l ON l.candidate_id = m.candidate_id
JOIN postings AS p ON p.id = m.posting_id
WHERE p.closed_at IS NOT NULL AND m.score >= l.min_score;
