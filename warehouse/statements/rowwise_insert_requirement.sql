-- Row-by-row baseline, used only by bench/bench_load.py to measure executemany.
INSERT INTO posting_requirements (
    posting_id, seq, concept_id, name, kind, required, years, evidence, start_offset, end_offset
)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10);
