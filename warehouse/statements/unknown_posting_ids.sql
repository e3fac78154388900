SELECT i.id FROM incoming_ids AS i
WHERE NOT EXISTS (SELECT 1 FROM postings AS p WHERE p.id = i.id);
