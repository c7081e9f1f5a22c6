CREATE TABLE created_then_rolled_back (x INTEGER);
INSERT INTO no_such_table VALUES (1);
