-- Supplier (Digiflazz): product sync bookkeeping, pricing rules, webhook deliveries.

-- The supplier group a synced product came from ("digiflazz:MOBILE LEGENDS|Games"), so a
-- later sync finds it again even after an admin renamed it or changed its slug.
ALTER TABLE products ADD COLUMN supplier_key TEXT;
CREATE UNIQUE INDEX products_supplier_key ON products (supplier_key) WHERE supplier_key IS NOT NULL;

-- What the supplier said about the item at the last sync.
ALTER TABLE product_items ADD COLUMN supplier_name TEXT;
ALTER TABLE product_items ADD COLUMN supplier_multi INTEGER NOT NULL DEFAULT 1 CHECK (supplier_multi IN (0, 1));
ALTER TABLE product_items ADD COLUMN supplier_stock INTEGER;            -- NULL = unlimited

-- Selling price = supplier price + profit. The most specific matching rule wins:
-- product > brand > category > global, per tier. percent_bp is in hundredths of a
-- percent (250 = 2.5 %), so no floating point touches money.
CREATE TABLE pricing_rules (
    id          INTEGER PRIMARY KEY,
    scope       TEXT    NOT NULL CHECK (scope IN ('global', 'category', 'brand', 'product')),
    category_id INTEGER REFERENCES product_categories (id) ON DELETE CASCADE,
    brand       TEXT COLLATE NOCASE,
    product_id  INTEGER REFERENCES products (id) ON DELETE CASCADE,
    tier        TEXT    NOT NULL CHECK (tier IN ('retail', 'reseller')),
    percent_bp  INTEGER NOT NULL DEFAULT 0 CHECK (percent_bp BETWEEN 0 AND 100000),
    flat        INTEGER NOT NULL DEFAULT 0 CHECK (flat >= 0),
    min_profit  INTEGER NOT NULL DEFAULT 0 CHECK (min_profit >= 0),
    max_profit  INTEGER CHECK (max_profit IS NULL OR max_profit >= min_profit),
    round_to    INTEGER NOT NULL DEFAULT 1 CHECK (round_to BETWEEN 1 AND 1000000),
    created_at  TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at  TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    CHECK ((scope = 'global'   AND category_id IS NULL AND brand IS NULL AND product_id IS NULL)
        OR (scope = 'category' AND category_id IS NOT NULL AND brand IS NULL AND product_id IS NULL)
        OR (scope = 'brand'    AND category_id IS NULL AND brand IS NOT NULL AND product_id IS NULL)
        OR (scope = 'product'  AND category_id IS NULL AND brand IS NULL AND product_id IS NOT NULL))
);
-- One rule per scope target and tier.
CREATE UNIQUE INDEX pricing_rules_target ON pricing_rules
    (scope, tier, COALESCE(category_id, 0), COALESCE(brand, ''), COALESCE(product_id, 0));

-- The source's fallback margins (+Rp 2.000 retail, +Rp 1.000 reseller), rounded up to Rp 100.
INSERT INTO pricing_rules (scope, tier, percent_bp, flat, min_profit, round_to) VALUES
    ('global', 'retail', 0, 2000, 0, 100),
    ('global', 'reseller', 0, 1000, 0, 100);

-- Every product sync, with its summary.
CREATE TABLE sync_runs (
    id          INTEGER PRIMARY KEY,
    trigger     TEXT    NOT NULL CHECK (trigger IN ('cli', 'schedule', 'admin', 'startup')),
    started_at  TEXT    NOT NULL,
    finished_at TEXT,
    ok          INTEGER NOT NULL DEFAULT 0 CHECK (ok IN (0, 1)),
    summary     TEXT CHECK (summary IS NULL OR json_valid(summary)),
    error       TEXT
);

-- Every Digiflazz webhook delivery, verified or not, byte for byte.
CREATE TABLE supplier_webhooks (
    id          INTEGER PRIMARY KEY,
    event       TEXT,            -- X-Digiflazz-Event: create | update
    delivery_id TEXT,            -- X-Digiflazz-Delivery
    user_agent  TEXT,
    signature   TEXT,
    verified    INTEGER NOT NULL DEFAULT 0 CHECK (verified IN (0, 1)),
    raw_body    TEXT    NOT NULL,
    ref_id      TEXT,
    status      TEXT,
    rc          TEXT,
    outcome     TEXT,
    ip_address  TEXT,
    created_at  TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX supplier_webhooks_ref ON supplier_webhooks (ref_id);
CREATE INDEX supplier_webhooks_created_at ON supplier_webhooks (created_at);

-- The transaction's supplier answers, in order (request, response or webhook), for the admin.
CREATE TABLE supplier_calls (
    id             INTEGER PRIMARY KEY,
    transaction_id INTEGER REFERENCES transactions (id) ON DELETE CASCADE,
    ref_id         TEXT    NOT NULL,
    kind           TEXT    NOT NULL CHECK (kind IN ('topup', 'recheck', 'webhook')),
    outcome        TEXT    NOT NULL,  -- success | pending | failed | unknown
    rc             TEXT,
    message        TEXT,
    payload        TEXT,              -- the supplier's answer (secrets never stored)
    created_at     TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX supplier_calls_transaction ON supplier_calls (transaction_id, created_at);
CREATE INDEX supplier_calls_ref ON supplier_calls (ref_id);
