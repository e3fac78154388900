-- Record digest deliveries (incoming_deliveries); a delivery already recorded for the same
-- run, candidate and target is updated (a failure later retried and sent, say).
INSERT INTO digest_deliveries (
    run_id, candidate_id, target, status, attempts, events, error, delivered_at
)
SELECT run_id, candidate_id, target, status, attempts, events, error, delivered_at
FROM incoming_deliveries
ON CONFLICT (run_id, candidate_id, target) DO UPDATE SET
    status = excluded.status,
    attempts = excluded.attempts,
    events = excluded.events,
    error = excluded.error,
    delivered_at = excluded.delivered_at;
