INSERT OR REPLACE INTO posting_requirements (
    posting_id, seq, concept_id, name, kind, required, years, evidence, start_offset, end_offset,
    alt_group
)
SELECT
    posting_id, seq, concept_id, name, kind, required, years, evidence, start_offset, end_offset,
    alt_group
FROM incoming_requirements;
