-- Rows a load refused in one run, with the reason.
-- param run_id: the run id (see the runs table or the latest_runs query)
SELECT table_name, record_key, reason, raw
FROM rejected_rows
WHERE run_id = $run_id
ORDER BY table_name, record_key;
