-- Requirements of re-extracted postings that the new extraction no longer has. (Rows it
-- still has are replaced in place by INSERT OR REPLACE: re-inserting a deleted key in
-- DuckDB is slow, so keys that stay are never deleted.)
DELETE FROM posting_requirements AS r
WHERE r.posting_id IN (SELECT posting_id FROM incoming_extractions)
  AND NOT EXISTS (
      SELECT 1 FROM incoming_requirements AS i
      WHERE i.posting_id = r.posting_id AND i.seq = r.seq
  );
