INSERT INTO candidate_concepts (candidate_id, concept_id, years)
SELECT $id, concept_id, years FROM incoming_candidate_concepts;
