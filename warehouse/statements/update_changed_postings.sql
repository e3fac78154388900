UPDATE postings SET
    source = i.source,
    source_key = i.source_key,
    company = i.company,
    title = i.title,
    url = i.url,
    location = i.location,
    remote = i.remote,
    employment_type = i.employment_type,
    salary_min = i.salary_min,
    salary_max = i.salary_max,
    salary_currency = i.salary_currency,
    salary_period = i.salary_period,
    posted_at = i.posted_at,
    fetched_at = i.fetched_at,
    description_text = i.description_text,
    content_hash = i.content_hash,
    last_seen = greatest(postings.last_seen, $seen_at),
    closed_at = NULL
FROM incoming_postings AS i
WHERE postings.id = i.id AND postings.content_hash <> i.content_hash;
