SELECT
    r.posting_id, r.concept_id, r.name, r.kind, r.required, r.evidence, r.start_offset,
    r.end_offset, r.years, r.alt_group
FROM posting_requirements AS r
JOIN postings AS p ON p.id = r.posting_id
WHERE p.closed_at IS NULL AND p.duplicate_of IS NULL
ORDER BY r.posting_id, r.seq;
