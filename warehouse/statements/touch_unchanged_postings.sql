UPDATE postings SET
    last_seen = greatest(postings.last_seen, $seen_at),
    closed_at = NULL
FROM incoming_postings AS i
WHERE postings.id = i.id
  AND postings.content_hash = i.content_hash
  AND (postings.last_seen < $seen_at OR postings.closed_at IS NOT NULL);
