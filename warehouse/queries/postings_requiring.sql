-- Open postings that ask for one concept (by id, e.g. tool.jira), required ones first.
-- param concept: the concept id (see the concepts table), e.g. tool.jira
SELECT
    r.posting_id, r.company, r.title, r.required, r.years, r.evidence, o.url, o.first_seen
FROM v_posting_requirements AS r
JOIN v_open_postings AS o ON o.id = r.posting_id
WHERE r.is_open AND r.concept_id = $concept
ORDER BY r.required DESC, o.first_seen DESC, r.posting_id;
