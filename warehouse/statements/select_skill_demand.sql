SELECT week, concept_id, concept_name, kind, required_count, preferred_count, total_count
FROM v_skill_demand
ORDER BY week, total_count DESC, concept_id;
