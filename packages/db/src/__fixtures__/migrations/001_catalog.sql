-- Products, seeded by the schema: a reset must put these rows back.
CREATE TABLE product (
  id serial PRIMARY KEY,
  sku text NOT NULL UNIQUE,
  name text NOT NULL,
  stock integer NOT NULL CHECK (stock >= 0),
  label text GENERATED ALWAYS AS (sku || ': ' || name) STORED
);
INSERT INTO product (sku, name, stock) VALUES ('KB-01', 'Keyboard; mechanical', 25), ('MS-02', 'Mouse', 120);
