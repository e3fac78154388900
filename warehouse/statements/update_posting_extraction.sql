UPDATE postings SET
    extracted_hash = postings.content_hash,
    min_years_experience = e.min_years_experience,
    degree_level = e.degree_level,
    degree_fields = CAST(e.degree_fields AS JSON),
    degree_required = e.degree_required,
    degree_or_equivalent = e.degree_or_equivalent,
    level = e.level
FROM incoming_extractions AS e
WHERE postings.id = e.posting_id;
