INSERT OR REPLACE INTO posting_requirements (
    posting_id, seq, concept_id, name, kind, required, years, evidence, start_offset, end_offset
)
SELECT
    posting_id, seq, concept_id, name, kind, required, years, evidence, start_offset, end_offset
FROM incoming_requirements;
