-- Open, non-duplicate postings asking for each concept, all weeks together (the nightly
-- run's before/after demand): the week-free sum of v_skill_demand's total_count.
SELECT
    r.concept_id,
    coalesce(any_value(c.name), any_value(r.name)) AS concept_name,
    count(DISTINCT r.posting_id) AS total_count
FROM posting_requirements AS r
JOIN postings AS p ON p.id = r.posting_id
LEFT JOIN concepts AS c ON c.id = r.concept_id
WHERE p.closed_at IS NULL AND p.duplicate_of IS NULL
GROUP BY r.concept_id
