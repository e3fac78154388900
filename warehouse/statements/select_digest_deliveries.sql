-- One candidate's digest deliveries, newest first.
SELECT run_id, candidate_id, target, status, attempts, events, error, delivered_at
FROM digest_deliveries
WHERE candidate_id = $candidate_id
ORDER BY delivered_at DESC, target;
