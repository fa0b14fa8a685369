-- H2H orders and their callbacks (issue 17): which key placed an order under which
-- ref_id and where its callbacks go; a durable outbox of callbacks, retried with
-- backoff; every delivery attempt with the receiver's answer.
ALTER TABLE api_keys ADD COLUMN callback_url TEXT;

CREATE TABLE h2h_orders (
    transaction_id INTEGER PRIMARY KEY REFERENCES transactions (id) ON DELETE CASCADE,
    api_key_id     INTEGER NOT NULL REFERENCES api_keys (id) ON DELETE CASCADE,
    ref_id         TEXT    NOT NULL,
    callback_url   TEXT,
    created_at     TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX h2h_orders_key ON h2h_orders (api_key_id);

CREATE TABLE h2h_callbacks (
    id             INTEGER PRIMARY KEY,
    api_key_id     INTEGER NOT NULL REFERENCES api_keys (id) ON DELETE CASCADE,
    -- NULL for a test callback.
    transaction_id INTEGER REFERENCES transactions (id) ON DELETE CASCADE,
    event          TEXT    NOT NULL,
    url            TEXT    NOT NULL,
    body           TEXT    NOT NULL,
    status         TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts       INTEGER NOT NULL DEFAULT 0,
    next_at        TEXT    NOT NULL,
    last_code      INTEGER,
    last_error     TEXT,
    delivered_at   TEXT,
    created_at     TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
-- One callback per order and event.
CREATE UNIQUE INDEX h2h_callbacks_once ON h2h_callbacks (transaction_id, event) WHERE transaction_id IS NOT NULL;
CREATE INDEX h2h_callbacks_due ON h2h_callbacks (next_at) WHERE status = 'pending';

CREATE TABLE h2h_callback_attempts (
    id          INTEGER PRIMARY KEY,
    callback_id INTEGER NOT NULL REFERENCES h2h_callbacks (id) ON DELETE CASCADE,
    at          TEXT    NOT NULL,
    http_code   INTEGER,
    error       TEXT,
    ms          INTEGER NOT NULL
);
CREATE INDEX h2h_callback_attempts_callback ON h2h_callback_attempts (callback_id);
