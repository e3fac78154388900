-- The best-scoring candidates for one open posting.
-- param posting_id: the posting id, e.g. lever:acme:4f2a
SELECT rank_for_posting, candidate_id, candidate_name, score, missing_required, run_id
FROM v_top_candidates_per_posting
WHERE posting_id = $posting_id
ORDER BY rank_for_posting;
