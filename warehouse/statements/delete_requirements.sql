DELETE FROM posting_requirements
WHERE posting_id IN (SELECT posting_id FROM incoming_extractions);
