CREATE TABLE fine (id int);
ALTER TABLE missing_table ADD COLUMN x int;
