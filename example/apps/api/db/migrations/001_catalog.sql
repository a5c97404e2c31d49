-- The product catalog, seeded with the same products as the in-memory store (repository/seed.ts).
CREATE TABLE product (
  sku text PRIMARY KEY,
  name text NOT NULL,
  price_amount integer NOT NULL CHECK (price_amount >= 0),
  price_currency text NOT NULL,
  stock integer NOT NULL CHECK (stock >= 0)
);

INSERT INTO product (sku, name, price_amount, price_currency, stock) VALUES
  ('KB-01', 'Mechanical keyboard', 8900, 'EUR', 25),
  ('MS-02', 'Wireless mouse', 2900, 'EUR', 120),
  ('MN-27', '27" monitor', 24900, 'EUR', 8),
  ('CB-03', 'USB-C cable', 899, 'EUR', 500),
  ('HS-04', 'Headset', 5900, 'EUR', 0),
  ('DK-05', 'Docking station', 15900, 'EUR', 14);
