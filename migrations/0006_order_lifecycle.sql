-- The order lifecycle (issue 10): who paid, late payments, what the supplier charged,
-- the attention list, one lease for every supplier call; guests keep their own rows.

-- Who paid for the order, fixed at checkout. A refund goes back to this payer: to the
-- balance of a member, to the refund list for a guest. Claiming a guest's orders later
-- changes `user_id` (who sees them), never the payer.
ALTER TABLE transactions ADD COLUMN payer_user_id INTEGER REFERENCES users (id) ON DELETE RESTRICT;
UPDATE transactions SET payer_user_id = user_id;

-- Money received after the order was closed (cancelled, expired, failed unpaid).
ALTER TABLE transactions ADD COLUMN late_paid_at TEXT;

-- What Digiflazz charged, and the deposit it reported afterwards (`price`,
-- `buyer_last_saldo` of the latest answer).
ALTER TABLE transactions ADD COLUMN supplier_price INTEGER CHECK (supplier_price IS NULL OR supplier_price >= 0);
ALTER TABLE transactions ADD COLUMN supplier_balance INTEGER;
ALTER TABLE supplier_calls ADD COLUMN price INTEGER;
ALTER TABLE supplier_calls ADD COLUMN balance_after INTEGER;

-- When lapak last asked Digiflazz about this order (job, re-check, webhook hint or
-- admin): no two calls for one order closer than `orders.recheck_min_secs`.
ALTER TABLE transactions ADD COLUMN last_supplier_call_at TEXT;

-- Orders an admin must look at, and why.
ALTER TABLE transactions ADD COLUMN attention TEXT CHECK (attention IS NULL OR attention IN (
    'unknown_outcome',               -- a re-check got an answer that says nothing of the order
    'checks_exhausted',              -- automatic checks ran out, the outcome is still unknown
    'late_supplier_success',         -- delivered after lapak failed or refunded it
    'supplier_failed_after_success', -- the supplier reports a failure for a delivered order
    'overcharged',                   -- charged above the cost snapshot
    'gateway_refund'                 -- Tripay refunded the payment
));
ALTER TABLE transactions ADD COLUMN attention_note TEXT;
ALTER TABLE transactions ADD COLUMN attention_at TEXT;
CREATE INDEX transactions_attention ON transactions (attention_at) WHERE attention IS NOT NULL;

-- A member account and a guest row may share an e-mail: registering never takes over
-- a guest's orders. One live member and one live guest row per address.
DROP INDEX users_email_live;
CREATE UNIQUE INDEX users_email_live ON users (email) WHERE deleted_at IS NULL AND is_guest = 0;
CREATE UNIQUE INDEX users_guest_email ON users (email) WHERE deleted_at IS NULL AND is_guest = 1;

-- Links mailed to a member's address to claim the guest orders bought with it.
CREATE TABLE guest_claims (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    email      TEXT    NOT NULL COLLATE NOCASE,
    token_hash TEXT    NOT NULL UNIQUE,
    expires_at TEXT    NOT NULL,
    used_at    TEXT,
    created_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX guest_claims_user ON guest_claims (user_id);
