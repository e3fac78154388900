-- How many open postings ask for each concept, required vs preferred, by ISO week first seen.
-- Requirements are folded per (posting, concept) before the week is joined in, so the week
-- is computed once per posting rather than once per requirement row.
CREATE OR REPLACE VIEW v_skill_demand AS
WITH open_postings AS (
    SELECT p.id, strftime(p.first_seen, '%G-W%V') AS week
    FROM postings AS p
    WHERE p.closed_at IS NULL AND p.duplicate_of IS NULL
),
per_posting AS (
    SELECT
        r.posting_id,
        r.concept_id,
        any_value(r.name) AS name,
        any_value(r.kind) AS kind,
        bool_or(r.required) AS required
    FROM posting_requirements AS r
    WHERE r.posting_id IN (SELECT o.id FROM open_postings AS o)
    GROUP BY r.posting_id, r.concept_id
)
SELECT
    o.week,
    pp.concept_id,
    coalesce(any_value(c.name), any_value(pp.name)) AS concept_name,
    any_value(pp.kind) AS kind,
    count(*) FILTER (WHERE pp.required) AS required_count,
    count(*) FILTER (WHERE NOT pp.required) AS preferred_count,
    count(*) AS total_count
FROM per_posting AS pp
JOIN open_postings AS o ON o.id = pp.posting_id
LEFT JOIN concepts AS c ON c.id = pp.concept_id
GROUP BY o.week, pp.concept_id;
