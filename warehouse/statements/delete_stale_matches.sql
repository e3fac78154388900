-- Matches the new scoring no longer has: every candidate's (when $candidate_ids is NULL)
-- or only those candidates'. Pairs that stay are replaced in place by INSERT OR REPLACE.
DELETE FROM matches AS m
WHERE ($candidate_ids IS NULL OR list_contains(CAST($candidate_ids AS VARCHAR[]), m.candidate_id))
  AND NOT EXISTS (
      SELECT 1 FROM incoming_matches AS i
      WHERE i.candidate_id = m.candidate_id AND i.posting_id = m.posting_id
  );
