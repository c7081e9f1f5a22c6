CREATE TABLE second_common (x INTEGER);
