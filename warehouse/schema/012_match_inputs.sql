-- Digests of the inputs each stored match was explained from: the next run reuses the
-- stored explanation of a pair whose three digests are unchanged (matcher/scoring/topk.py).
ALTER TABLE matches ADD COLUMN IF NOT EXISTS posting_hash VARCHAR;
ALTER TABLE matches ADD COLUMN IF NOT EXISTS profile_hash VARCHAR;
ALTER TABLE matches ADD COLUMN IF NOT EXISTS context_hash VARCHAR;
