-- Orders keep their priced lines as JSON: the API reads an order whole, never by line.
CREATE TABLE customer_order (
  id text PRIMARY KEY,
  status text NOT NULL CHECK (status IN ('placed', 'cancelled')),
  body jsonb NOT NULL,
  created_at timestamptz NOT NULL
);
