-- Close open postings unseen for $close_after_nights runs (tonight's included): runs
-- started after the posting was last seen and before tonight, plus tonight. A board that
-- fails night after night (404) loses its postings this way. Held sources
-- ($held_source_keys) keep theirs.
UPDATE postings SET closed_at = $seen_at
WHERE closed_at IS NULL
  AND last_seen < $seen_at
  AND NOT list_contains(CAST($held_source_keys AS VARCHAR[]), source_key)
  AND 1 + (
      SELECT count(*) FROM runs AS r
      WHERE r.started_at > postings.last_seen AND r.started_at < $seen_at
  ) >= $close_after_nights;
