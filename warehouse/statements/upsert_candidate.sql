INSERT INTO candidates (id, name, email, profile, added_at, updated_at)
VALUES ($id, $name, $email, CAST($profile AS JSON), $now, $now)
ON CONFLICT (id) DO UPDATE SET
    name = excluded.name,
    email = excluded.email,
    profile = excluded.profile,
    updated_at = excluded.updated_at;
