-- Close, at once, the open postings of sources no longer configured: a source key absent
-- from $source_keys (every posting key of sources.yaml). Postings seen tonight stay open.
UPDATE postings SET closed_at = $seen_at
WHERE closed_at IS NULL
  AND last_seen < $seen_at
  AND NOT list_contains(CAST($source_keys AS VARCHAR[]), source_key);
