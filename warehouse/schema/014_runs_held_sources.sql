-- The boards that answered a run with none, or too few, of their open postings (fewer
-- than the setting min_seen_share of them): their postings were kept open that night.
-- A second such night in a row closes them (warehouse/lifecycle.py).
ALTER TABLE runs ADD COLUMN held_sources JSON DEFAULT '{}';
ALTER TABLE runs ALTER COLUMN held_sources SET NOT NULL;
