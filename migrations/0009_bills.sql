-- Postpaid bills (issue 16): the quote an inquiry returns, paid at most once.
-- The inquiry's ref_id is the one `pay-pasca` must send; the order keeps it in
-- `transactions.inquiry_ref` and the bill as quoted in `transactions.bill_data`.
CREATE TABLE bill_quotes (
    id              INTEGER PRIMARY KEY,
    -- The public id a checkout names.
    quote_id        TEXT    NOT NULL UNIQUE,
    -- The inquiry's ref_id at Digiflazz.
    ref_id          TEXT    NOT NULL UNIQUE,
    product_item_id INTEGER NOT NULL REFERENCES product_items (id) ON DELETE CASCADE,
    -- Who asked: a member, or NULL for a guest. Only they may pay it.
    user_id         INTEGER REFERENCES users (id) ON DELETE CASCADE,
    customer_type   TEXT    NOT NULL CHECK (customer_type IN ('retail', 'reseller')),
    customer_no     TEXT    NOT NULL,
    customer_data   TEXT    NOT NULL CHECK (json_valid(customer_data)),
    -- The bill as quoted (customer name, periods, details), as the API shows it.
    bill            TEXT    NOT NULL CHECK (json_valid(bill)),
    -- The bills themselves (tagihan + penalties), passed through.
    bill_amount     INTEGER NOT NULL CHECK (bill_amount >= 0),
    -- What Digiflazz charges lapak.
    supplier_price  INTEGER NOT NULL CHECK (supplier_price >= 0),
    -- What lapak charges above the bills: the supplier's admin plus the tier's margin.
    fee             INTEGER NOT NULL CHECK (fee >= 0),
    total           INTEGER NOT NULL CHECK (total = bill_amount + fee),
    -- The Asia/Jakarta date of the inquiry (YYYY-MM-DD): Digiflazz pays only then.
    inquired_on     TEXT    NOT NULL,
    expires_at      TEXT    NOT NULL,
    -- The order that paid it; a quote pays at most once.
    order_id        INTEGER UNIQUE REFERENCES transactions (id) ON DELETE SET NULL,
    created_at      TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX bill_quotes_expires ON bill_quotes (expires_at);
CREATE UNIQUE INDEX transactions_inquiry_ref_unique ON transactions (inquiry_ref) WHERE inquiry_ref IS NOT NULL;
-- The Asia/Jakarta date of the inquiry a bill order pays (a new inquiry, when the day
-- passed before the order was paid, moves it with `inquiry_ref`).
ALTER TABLE transactions ADD COLUMN inquired_on TEXT;
