DELETE FROM candidate_concepts WHERE candidate_id = $id;
