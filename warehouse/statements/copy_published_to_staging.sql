-- Rewrite the published warehouse into the fresh staging file (in the staging file's format).
COPY FROM DATABASE published TO staging;
