-- How many events of each kind one run recorded.
SELECT kind, count(*) FROM match_events WHERE run_id = $run_id GROUP BY kind ORDER BY kind;
