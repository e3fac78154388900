-- Before insert_matches: every stored match in scope (every candidate's when $candidate_ids
-- is NULL, else only those candidates'), and any stored pair the incoming matches bring
-- again (whoever its candidate). A plain INSERT then writes the new rows: in DuckDB that is
-- several times faster than INSERT OR REPLACE, with the same resulting table.
DELETE FROM matches AS m
WHERE ($candidate_ids IS NULL OR list_contains(CAST($candidate_ids AS VARCHAR[]), m.candidate_id))
   OR EXISTS (
       SELECT 1 FROM incoming_matches AS i
       WHERE i.candidate_id = m.candidate_id AND i.posting_id = m.posting_id
   );
