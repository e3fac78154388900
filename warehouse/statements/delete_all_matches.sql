DELETE FROM matches;
