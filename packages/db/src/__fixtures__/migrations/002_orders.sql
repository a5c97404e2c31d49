CREATE TABLE customer_order (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  product_id integer NOT NULL REFERENCES product (id),
  quantity integer NOT NULL
);
/* A function whose body holds semicolons; the splitter must keep it whole. */
CREATE FUNCTION take_stock(p integer, q integer) RETURNS void AS $body$
BEGIN
  UPDATE product SET stock = stock - q WHERE id = p;
  INSERT INTO customer_order (product_id, quantity) VALUES (p, q);
END;
$body$ LANGUAGE plpgsql;
