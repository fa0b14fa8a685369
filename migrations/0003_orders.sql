-- Orders and payments: the fulfilment outbox, re-check bookkeeping, outbound notifications.

-- A paid order's fulfilment, written in the same transaction that marks it paid, so a
-- crash right after the commit cannot lose it. The dispatcher hands each row to the job
-- queue; the job itself is idempotent (the order's state and fixed ref_id guard it).
CREATE TABLE fulfilment_outbox (
    id             INTEGER PRIMARY KEY,
    transaction_id INTEGER NOT NULL REFERENCES transactions (id) ON DELETE CASCADE,
    reason         TEXT    NOT NULL DEFAULT 'paid',
    created_at     TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    dispatched_at  TEXT
);
CREATE INDEX fulfilment_outbox_pending ON fulfilment_outbox (dispatched_at, id);

-- Supplier round-trips per order: how many re-checks were made and when the next is due.
ALTER TABLE transactions ADD COLUMN supplier_attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE transactions ADD COLUMN next_check_at TEXT;
ALTER TABLE transactions ADD COLUMN refund_required INTEGER NOT NULL DEFAULT 0 CHECK (refund_required IN (0, 1));
CREATE INDEX transactions_next_check ON transactions (status, next_check_at);
CREATE INDEX transactions_expiry ON transactions (status, payment_status, expires_at);

-- Signed posts to the operator's notification bridge (WhatsApp, e-mail ...).
CREATE TABLE notification_deliveries (
    id              INTEGER PRIMARY KEY,
    notification_id INTEGER REFERENCES notifications (id) ON DELETE CASCADE,
    url             TEXT    NOT NULL,
    payload         TEXT    NOT NULL,
    status          INTEGER,
    error           TEXT,
    created_at      TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
