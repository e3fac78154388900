DELETE FROM matches WHERE candidate_id = $id;
