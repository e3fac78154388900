SELECT id, extracted_hash FROM postings WHERE extracted_hash IS NOT NULL;
