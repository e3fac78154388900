UPDATE postings SET duplicate_of = d.duplicate_of
FROM incoming_duplicates AS d
WHERE postings.id = d.id;
