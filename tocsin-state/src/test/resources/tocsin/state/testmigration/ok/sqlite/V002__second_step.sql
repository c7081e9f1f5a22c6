CREATE TABLE second_sqlite (x INTEGER);
