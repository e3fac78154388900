-- For each source in past runs: how many of its last runs in a row failed it (0 when the
-- last one was ok). A run counts for a source when its source_counts has the source.
WITH outcomes AS (
    SELECT
        r.started_at,
        e.key AS source_key,
        coalesce(CAST(json_extract(e.value, '$.ok') AS BOOLEAN), false) AS ok
    FROM runs AS r, unnest(map_entries(CAST(r.source_counts AS MAP(VARCHAR, JSON)))) AS t(e)
),
last_ok AS (
    SELECT source_key, max(started_at) FILTER (WHERE ok) AS last_ok_at
    FROM outcomes
    GROUP BY source_key
)
SELECT
    o.source_key,
    count(*) FILTER (
        WHERE NOT o.ok AND (l.last_ok_at IS NULL OR o.started_at > l.last_ok_at)
    ) AS failed_nights
FROM outcomes AS o
JOIN last_ok AS l USING (source_key)
GROUP BY o.source_key
ORDER BY o.source_key;
