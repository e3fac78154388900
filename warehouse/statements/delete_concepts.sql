DELETE FROM concepts;
