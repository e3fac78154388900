-- Version 14 is another branch's migration; this placeholder only keeps the numbers
-- without gaps on this branch. Drop it when that migration is merged.
SELECT 1;
