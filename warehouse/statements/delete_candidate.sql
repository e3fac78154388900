DELETE FROM candidates WHERE id = $id;
