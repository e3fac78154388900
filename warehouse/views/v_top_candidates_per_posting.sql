-- For each open posting, the candidates scored against it, best first (rank_for_posting 1 = best).
CREATE OR REPLACE VIEW v_top_candidates_per_posting AS
SELECT
    m.posting_id,
    p.company,
    p.title,
    m.candidate_id,
    k.name AS candidate_name,
    m.score,
    row_number() OVER (PARTITION BY m.posting_id ORDER BY m.score DESC, m.candidate_id)
        AS rank_for_posting,
    m.rank AS rank_for_candidate,
    m.missing_required,
    m.run_id
FROM matches AS m
JOIN postings AS p ON p.id = m.posting_id
JOIN candidates AS k ON k.id = m.candidate_id
WHERE p.closed_at IS NULL AND p.duplicate_of IS NULL;
