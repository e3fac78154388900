SELECT
    count(*) FILTER (WHERE p.id IS NULL) AS new,
    count(*) FILTER (WHERE p.id IS NOT NULL AND p.content_hash <> i.content_hash) AS changed,
    count(*) FILTER (WHERE p.content_hash = i.content_hash) AS unchanged,
    count(*) FILTER (WHERE p.closed_at IS NOT NULL) AS reopened
FROM incoming_postings AS i
LEFT JOIN postings AS p ON p.id = i.id;
