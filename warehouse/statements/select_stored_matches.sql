-- Stored matches explained under $context_hash, with the digests of their inputs, for
-- reuse by the next scoring (every candidate's when $candidate_id is NULL).
SELECT
    candidate_id, posting_id, score, CAST(breakdown AS VARCHAR), matched, missing_required,
    missing_preferred, rank, posting_hash, profile_hash, context_hash
FROM matches
WHERE context_hash = $context_hash
  AND ($candidate_id IS NULL OR candidate_id = $candidate_id)
ORDER BY candidate_id, rank, posting_id;
