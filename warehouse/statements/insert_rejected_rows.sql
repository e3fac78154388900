INSERT INTO rejected_rows (run_id, table_name, record_key, reason, raw, rejected_at)
SELECT $run_id, r.table_name, r.record_key, r.reason, CAST(r.raw AS JSON), $rejected_at
FROM incoming_rejected AS r;
