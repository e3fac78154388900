-- For each source in past runs: whether the latest published run (success or partial: a
-- failed run published nothing) that crawled it successfully held its postings open (the
-- source is a key of that run's held_sources).
WITH outcomes AS (
    SELECT
        r.started_at,
        e.key AS source_key,
        list_contains(json_keys(r.held_sources), e.key) AS held
    FROM runs AS r, unnest(map_entries(CAST(r.source_counts AS MAP(VARCHAR, JSON)))) AS t(e)
    WHERE r.status IN ('success', 'partial')
      AND coalesce(CAST(json_extract(e.value, '$.ok') AS BOOLEAN), false)
)
SELECT source_key, arg_max(held, started_at) AS held
FROM outcomes
GROUP BY source_key
ORDER BY source_key;
