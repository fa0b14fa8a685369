-- The price-list tag each key was last told of (issue 17): a `products.changed`
-- callback goes out when the key's prices or availability move.
ALTER TABLE api_keys ADD COLUMN products_etag TEXT;
