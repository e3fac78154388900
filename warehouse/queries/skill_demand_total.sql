-- Concept demand among all open postings (every week together), most asked-for first.
SELECT
    concept_id,
    any_value(concept_name) AS concept_name,
    any_value(kind) AS kind,
    sum(required_count) AS required_count,
    sum(preferred_count) AS preferred_count,
    sum(total_count) AS total_count
FROM v_skill_demand
GROUP BY concept_id
ORDER BY total_count DESC, concept_id;
