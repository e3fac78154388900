SELECT id, name, email, CAST(profile AS VARCHAR), added_at FROM candidates ORDER BY id;
