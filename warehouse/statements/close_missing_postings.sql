-- Close the open postings of the successfully crawled sources ($ok_source_keys) that the
-- crawl did not see (the nightly leaves held sources out of $ok_source_keys).
UPDATE postings SET closed_at = $seen_at
WHERE closed_at IS NULL
  AND list_contains(CAST($ok_source_keys AS VARCHAR[]), source_key)
  AND NOT EXISTS (SELECT 1 FROM incoming_seen_ids AS s WHERE s.id = postings.id);
