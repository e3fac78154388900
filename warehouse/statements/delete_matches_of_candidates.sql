DELETE FROM matches WHERE list_contains(CAST($candidate_ids AS VARCHAR[]), candidate_id);
