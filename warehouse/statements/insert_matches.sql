-- The validated incoming matches (delete_replaced_matches has made room for them); a missing
-- rank is filled per candidate by score.
INSERT INTO matches (
    candidate_id, posting_id, score, breakdown, matched, missing_required, missing_preferred,
    rank, run_id
)
SELECT
    candidate_id, posting_id, score, CAST(breakdown AS JSON), matched, missing_required,
    missing_preferred,
    coalesce(
        rank,
        row_number() OVER (PARTITION BY candidate_id ORDER BY score DESC, posting_id)
    ),
    $run_id
FROM incoming_matches;
