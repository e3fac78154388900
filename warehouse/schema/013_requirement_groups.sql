-- Alternative groups: requirements of one posting that share alt_group are one ask met
-- by any of them ("PMP or PgMP certification"); NULL for a requirement that stands alone.
ALTER TABLE posting_requirements ADD COLUMN IF NOT EXISTS alt_group INTEGER;
