-- Per source key of $source_keys that has open postings: how many are open before this
-- load, and how many postings of that source the incoming crawl has (incoming_seen_ids,
-- rejected rows included: they were crawled).
WITH open_rows AS (
    SELECT source_key, count(*) AS open_count
    FROM postings
    WHERE closed_at IS NULL AND list_contains(CAST($source_keys AS VARCHAR[]), source_key)
    GROUP BY source_key
),
seen AS (
    SELECT regexp_extract(id, '^[^:]*:[^:]*') AS source_key, count(*) AS seen_count
    FROM incoming_seen_ids
    GROUP BY ALL
)
SELECT o.source_key, o.open_count, coalesce(s.seen_count, 0) AS seen_count
FROM open_rows AS o
LEFT JOIN seen AS s USING (source_key)
ORDER BY o.source_key;
