INSERT INTO concept_aliases (normalized, alias, concept_id, is_name)
SELECT normalized, alias, concept_id, is_name FROM incoming_aliases;
