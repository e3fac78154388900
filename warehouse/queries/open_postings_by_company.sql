-- Open postings of one company (case-insensitive exact name), newest first.
-- param company: the company name, e.g. Acme
SELECT id, title, location, remote, url, urls, first_seen, required_count, preferred_count
FROM v_open_postings
WHERE lower(company) = lower($company)
ORDER BY first_seen DESC, id;
