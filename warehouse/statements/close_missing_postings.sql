UPDATE postings SET closed_at = $seen_at
WHERE closed_at IS NULL
  AND list_contains(CAST($ok_source_keys AS VARCHAR[]), source_key)
  AND NOT EXISTS (SELECT 1 FROM incoming_seen_ids AS s WHERE s.id = postings.id);
