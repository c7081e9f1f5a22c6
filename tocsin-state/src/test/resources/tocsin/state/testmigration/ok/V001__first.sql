-- the first
CREATE TABLE first_table (x INTEGER NOT NULL, note VARCHAR(20) DEFAULT 'a;b');
