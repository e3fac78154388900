-- The validated incoming matches (delete_replaced_matches has made room for them); a missing
-- rank is filled per candidate by score. Each row keeps the digests of its inputs: the
-- posting's content_hash as loaded, the candidate's profile_hash (incoming_profiles) and
-- the run's $context_hash.
INSERT INTO matches (
    candidate_id, posting_id, score, breakdown, matched, missing_required, missing_preferred,
    rank, run_id, posting_hash, profile_hash, context_hash
)
SELECT
    i.candidate_id, i.posting_id, i.score, CAST(i.breakdown AS JSON), i.matched,
    i.missing_required, i.missing_preferred,
    coalesce(
        i.rank,
        row_number() OVER (PARTITION BY i.candidate_id ORDER BY i.score DESC, i.posting_id)
    ),
    $run_id, p.content_hash, h.profile_hash, $context_hash
FROM incoming_matches AS i
LEFT JOIN postings AS p ON p.id = i.posting_id
LEFT JOIN incoming_profiles AS h ON h.candidate_id = i.candidate_id;
