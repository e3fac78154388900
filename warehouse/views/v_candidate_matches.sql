-- Each candidate's matches with the posting's details, best first (rank 1 = best).
CREATE OR REPLACE VIEW v_candidate_matches AS
SELECT
    m.candidate_id,
    k.name AS candidate_name,
    m.rank,
    m.score,
    m.posting_id,
    p.company,
    p.title,
    p.url,
    p.location,
    p.remote,
    (p.closed_at IS NULL) AS is_open,
    m.matched,
    m.missing_required,
    m.missing_preferred,
    m.breakdown,
    m.run_id
FROM matches AS m
JOIN candidates AS k ON k.id = m.candidate_id
JOIN postings AS p ON p.id = m.posting_id;
