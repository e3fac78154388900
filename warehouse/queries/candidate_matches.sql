-- One candidate's matches, best first.
-- param candidate_id: the candidate id, as registered
SELECT rank, score, posting_id, company, title, url, is_open, matched, missing_required
FROM v_candidate_matches
WHERE candidate_id = $candidate_id
ORDER BY rank;
