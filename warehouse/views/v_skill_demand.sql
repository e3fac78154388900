-- How many open postings ask for each concept, required vs preferred, by ISO week first seen.
CREATE OR REPLACE VIEW v_skill_demand AS
WITH per_posting AS (
    SELECT
        strftime(p.first_seen, '%G-W%V') AS week,
        r.posting_id,
        r.concept_id,
        any_value(r.name) AS name,
        any_value(r.kind) AS kind,
        bool_or(r.required) AS required
    FROM posting_requirements AS r
    JOIN postings AS p ON p.id = r.posting_id
    WHERE p.closed_at IS NULL AND p.duplicate_of IS NULL
    GROUP BY week, r.posting_id, r.concept_id
)
SELECT
    pp.week,
    pp.concept_id,
    coalesce(any_value(c.name), any_value(pp.name)) AS concept_name,
    any_value(pp.kind) AS kind,
    count(*) FILTER (WHERE pp.required) AS required_count,
    count(*) FILTER (WHERE NOT pp.required) AS preferred_count,
    count(*) AS total_count
FROM per_posting AS pp
LEFT JOIN concepts AS c ON c.id = pp.concept_id
GROUP BY pp.week, pp.concept_id;
