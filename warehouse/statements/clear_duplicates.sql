UPDATE postings SET duplicate_of = NULL WHERE duplicate_of IS NOT NULL;
