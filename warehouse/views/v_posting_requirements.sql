-- Every requirement of every posting, with the posting's title and company and whether it is open.
CREATE OR REPLACE VIEW v_posting_requirements AS
SELECT
    r.posting_id,
    p.company,
    p.title,
    r.concept_id,
    coalesce(c.name, r.name) AS concept_name,
    r.kind,
    c.category,
    r.required,
    r.years,
    r.evidence,
    r.start_offset,
    r.end_offset,
    r.alt_group,
    (p.closed_at IS NULL AND p.duplicate_of IS NULL) AS is_open
FROM posting_requirements AS r
JOIN postings AS p ON p.id = r.posting_id
LEFT JOIN concepts AS c ON c.id = r.concept_id;
