-- Before insert_match_events: the events a run recorded earlier (a rerun replaces them).
DELETE FROM match_events WHERE run_id = $run_id;
