-- lapak: the seed system's schema on SQLite (seed-implementation.md §2), with what the
-- source lacked: integer rupiah, foreign keys everywhere, CHECK constraints on every enum
-- and amount, soft delete of users, a supplier-cost snapshot on each transaction, and
-- an append-only ledger.
--
-- Timestamps are UTC text in RFC 3339 form with milliseconds ("2026-11-24T04:40:54.123Z"),
-- so they sort and compare as strings.

-- users ------------------------------------------------------------------------------
CREATE TABLE users (
    id                INTEGER PRIMARY KEY,
    name              TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 255),
    email             TEXT    NOT NULL COLLATE NOCASE CHECK (length(email) BETWEEN 3 AND 255),
    phone             TEXT             CHECK (phone IS NULL OR length(phone) <= 20),
    password          TEXT,            -- argon2id PHC string; NULL for a guest
    role              TEXT    NOT NULL DEFAULT 'customer' CHECK (role IN ('admin', 'customer')),
    customer_type     TEXT    NOT NULL DEFAULT 'retail' CHECK (customer_type IN ('retail', 'reseller')),
    is_guest          INTEGER NOT NULL DEFAULT 0 CHECK (is_guest IN (0, 1)),
    status            TEXT    NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'inactive', 'suspended')),
    email_verified_at TEXT,
    phone_verified_at TEXT,
    avatar            TEXT,
    google_id         TEXT UNIQUE,
    facebook_id       TEXT UNIQUE,
    social_avatar     TEXT,
    referral_code     TEXT UNIQUE CHECK (referral_code IS NULL OR length(referral_code) <= 20),
    referred_by       INTEGER REFERENCES users (id) ON DELETE SET NULL,
    last_login_at     TEXT,
    last_login_ip     TEXT CHECK (last_login_ip IS NULL OR length(last_login_ip) <= 45),
    remember_token    TEXT,
    created_at        TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at        TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    deleted_at        TEXT    -- soft delete: the row and its financial history stay
);
-- Unique among live accounts, so a soft-deleted address can register again.
CREATE UNIQUE INDEX users_email_live ON users (email) WHERE deleted_at IS NULL;
CREATE UNIQUE INDEX users_phone_live ON users (phone) WHERE deleted_at IS NULL AND phone IS NOT NULL;
CREATE INDEX users_role ON users (role);
CREATE INDEX users_customer_type ON users (customer_type);
CREATE INDEX users_status ON users (status);
CREATE INDEX users_email_guest ON users (email, is_guest);
CREATE INDEX users_referred_by ON users (referred_by);
CREATE INDEX users_created_at ON users (created_at);

-- Opaque bearer tokens; only a SHA-256 of the token is stored.
CREATE TABLE access_tokens (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash   TEXT    NOT NULL UNIQUE,
    name         TEXT    NOT NULL DEFAULT 'api',
    ip_address   TEXT,
    user_agent   TEXT,
    last_used_at TEXT,
    expires_at   TEXT    NOT NULL,
    revoked_at   TEXT,
    created_at   TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX access_tokens_user ON access_tokens (user_id);
CREATE INDEX access_tokens_expires ON access_tokens (expires_at);

CREATE TABLE password_reset_tokens (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash TEXT    NOT NULL UNIQUE,
    expires_at TEXT    NOT NULL,
    used_at    TEXT,
    created_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX password_reset_tokens_user ON password_reset_tokens (user_id);

-- wallet ------------------------------------------------------------------------------
CREATE TABLE balances (
    id            INTEGER PRIMARY KEY,
    user_id       INTEGER NOT NULL UNIQUE REFERENCES users (id) ON DELETE RESTRICT,
    balance       INTEGER NOT NULL DEFAULT 0 CHECK (balance >= 0),
    bonus_balance INTEGER NOT NULL DEFAULT 0 CHECK (bonus_balance >= 0),
    created_at    TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at    TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE balance_mutations (
    id             INTEGER PRIMARY KEY,
    balance_id     INTEGER NOT NULL REFERENCES balances (id) ON DELETE RESTRICT,
    user_id        INTEGER NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
    transaction_id INTEGER REFERENCES transactions (id) ON DELETE RESTRICT,
    type           TEXT    NOT NULL CHECK (type IN ('credit', 'debit')),
    amount         INTEGER NOT NULL CHECK (amount > 0),
    balance_before INTEGER NOT NULL CHECK (balance_before >= 0),
    balance_after  INTEGER NOT NULL CHECK (balance_after >= 0),
    description    TEXT    NOT NULL,
    reference_type TEXT    NOT NULL CHECK (reference_type IN
                       ('topup', 'purchase', 'refund', 'bonus', 'withdrawal', 'adjustment')),
    reference_id   INTEGER,
    created_by     INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at     TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at     TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    CHECK ((type = 'credit' AND balance_after = balance_before + amount)
        OR (type = 'debit' AND balance_after = balance_before - amount))
);
CREATE INDEX balance_mutations_balance_date ON balance_mutations (balance_id, created_at);
CREATE INDEX balance_mutations_user_date ON balance_mutations (user_id, created_at);
CREATE INDEX balance_mutations_transaction ON balance_mutations (transaction_id);
CREATE INDEX balance_mutations_reference ON balance_mutations (reference_type, reference_id);
CREATE INDEX balance_mutations_created_at ON balance_mutations (created_at);

-- The ledger is append-only: a mutation is never changed or removed.
CREATE TRIGGER balance_mutations_no_update BEFORE UPDATE ON balance_mutations
BEGIN
    SELECT RAISE(ABORT, 'balance_mutations are append-only');
END;
CREATE TRIGGER balance_mutations_no_delete BEFORE DELETE ON balance_mutations
BEGIN
    SELECT RAISE(ABORT, 'balance_mutations are append-only');
END;

-- notifications -------------------------------------------------------------------------
CREATE TABLE notifications (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    title      TEXT    NOT NULL CHECK (length(title) <= 255),
    message    TEXT    NOT NULL,
    type       TEXT    NOT NULL DEFAULT 'info' CHECK (type IN ('info', 'success', 'warning', 'error', 'promo')),
    data       TEXT CHECK (data IS NULL OR json_valid(data)),
    is_read    INTEGER NOT NULL DEFAULT 0 CHECK (is_read IN (0, 1)),
    read_at    TEXT,
    created_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX notifications_user_read ON notifications (user_id, is_read);
CREATE INDEX notifications_user_created ON notifications (user_id, created_at);

CREATE TABLE user_devices (
    id             INTEGER PRIMARY KEY,
    user_id        INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    device_id      TEXT    NOT NULL,
    fcm_token      TEXT,
    device_name    TEXT,
    platform       TEXT    NOT NULL DEFAULT 'other' CHECK (platform IN ('android', 'ios', 'web', 'other')),
    last_active_at TEXT,
    created_at     TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at     TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (user_id, device_id)
);
CREATE INDEX user_devices_device ON user_devices (device_id);

-- catalog -------------------------------------------------------------------------------
CREATE TABLE product_categories (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 255),
    slug        TEXT    NOT NULL UNIQUE CHECK (length(slug) BETWEEN 1 AND 255),
    description TEXT,
    icon        TEXT,
    image       TEXT,
    is_active   INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1)),
    sort_order  INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at  TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX product_categories_active_sort ON product_categories (is_active, sort_order);

-- The parent product ("Mobile Legends", "Telkomsel Pulsa").
CREATE TABLE products (
    id                 INTEGER PRIMARY KEY,
    category_id        INTEGER NOT NULL REFERENCES product_categories (id) ON DELETE RESTRICT,
    name               TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 255),
    slug               TEXT    NOT NULL UNIQUE CHECK (length(slug) BETWEEN 1 AND 255),
    brand              TEXT    NOT NULL,
    publisher          TEXT,
    provider           TEXT,
    type               TEXT    NOT NULL DEFAULT 'other' CHECK (length(type) BETWEEN 1 AND 50),
    payment_type       TEXT    NOT NULL DEFAULT 'prepaid' CHECK (payment_type IN ('prepaid', 'postpaid')),
    -- [{"name","label","type","pattern","required","placeholder"}]
    input_fields       TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(input_fields)),
    -- How the input fields combine into Digiflazz's customer_no: "{user_id}{zone_id}".
    customer_no_format TEXT    NOT NULL DEFAULT '',
    description        TEXT,
    image              TEXT,
    icon               TEXT,
    server_options     TEXT CHECK (server_options IS NULL OR json_valid(server_options)),
    rating             INTEGER NOT NULL DEFAULT 0 CHECK (rating BETWEEN 0 AND 500), -- hundredths: 450 = 4.50
    is_active          INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1)),
    is_featured        INTEGER NOT NULL DEFAULT 0 CHECK (is_featured IN (0, 1)),
    sort_order         INTEGER NOT NULL DEFAULT 0,
    created_at         TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at         TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX products_category ON products (category_id);
CREATE INDEX products_brand ON products (brand);
CREATE INDEX products_type ON products (type);
CREATE INDEX products_active_sort ON products (is_active, sort_order);
CREATE INDEX products_featured ON products (is_featured);

-- One Digiflazz SKU with its prices. A selling price below the supplier price is impossible.
CREATE TABLE product_items (
    id                    INTEGER PRIMARY KEY,
    product_id            INTEGER NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    digiflazz_code        TEXT    NOT NULL UNIQUE CHECK (length(digiflazz_code) BETWEEN 1 AND 100),
    name                  TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 255),
    "group"               TEXT,
    description           TEXT,
    base_price            INTEGER NOT NULL CHECK (base_price >= 0),
    retail_price          INTEGER NOT NULL CHECK (retail_price >= base_price),
    reseller_price        INTEGER NOT NULL CHECK (reseller_price >= base_price),
    admin_fee             INTEGER NOT NULL DEFAULT 0 CHECK (admin_fee >= 0),
    retail_profit         INTEGER NOT NULL DEFAULT 0 CHECK (retail_profit >= 0),
    reseller_profit       INTEGER NOT NULL DEFAULT 0 CHECK (reseller_profit >= 0),
    -- Prices an admin fixed by hand; sync keeps them instead of applying the pricing rules.
    retail_price_override   INTEGER CHECK (retail_price_override IS NULL OR retail_price_override >= 0),
    reseller_price_override INTEGER CHECK (reseller_price_override IS NULL OR reseller_price_override >= 0),
    stock_status          TEXT    NOT NULL DEFAULT 'available' CHECK (stock_status IN ('available', 'empty', 'maintenance')),
    is_active             INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1)),
    -- What the supplier says: listed, and buyer/seller status both true.
    supplier_available    INTEGER NOT NULL DEFAULT 1 CHECK (supplier_available IN (0, 1)),
    -- Daily window (Asia/Jakarta, "HH:MM") in which the supplier refuses orders; NULL = none.
    cut_off_start         TEXT,
    cut_off_end           TEXT,
    total_sold            INTEGER NOT NULL DEFAULT 0 CHECK (total_sold >= 0),
    sort_order            INTEGER NOT NULL DEFAULT 0,
    last_synced_at        TEXT,
    created_at            TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at            TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    CHECK (retail_profit = retail_price - base_price),
    CHECK (reseller_profit = reseller_price - base_price)
);
CREATE INDEX product_items_product_active_price ON product_items (product_id, is_active, retail_price);
CREATE INDEX product_items_stock ON product_items (stock_status);

-- vouchers -----------------------------------------------------------------------------
CREATE TABLE vouchers (
    id              INTEGER PRIMARY KEY,
    code            TEXT    NOT NULL UNIQUE COLLATE NOCASE CHECK (length(code) BETWEEN 1 AND 50),
    name            TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 255),
    description     TEXT,
    product_id      INTEGER REFERENCES products (id) ON DELETE SET NULL,
    category_id     INTEGER REFERENCES product_categories (id) ON DELETE SET NULL,
    customer_type   TEXT    NOT NULL DEFAULT 'all' CHECK (customer_type IN ('retail', 'reseller', 'all')),
    type            TEXT    NOT NULL CHECK (type IN ('percentage', 'fixed')),
    value           INTEGER NOT NULL CHECK (value > 0 AND (type = 'fixed' OR value <= 100)),
    min_transaction INTEGER NOT NULL DEFAULT 0 CHECK (min_transaction >= 0),
    max_discount    INTEGER CHECK (max_discount IS NULL OR max_discount > 0),
    usage_limit     INTEGER CHECK (usage_limit IS NULL OR usage_limit >= 0),
    usage_count     INTEGER NOT NULL DEFAULT 0 CHECK (usage_count >= 0 AND (usage_limit IS NULL OR usage_count <= usage_limit)),
    user_limit      INTEGER NOT NULL DEFAULT 1 CHECK (user_limit >= 1),
    is_public       INTEGER NOT NULL DEFAULT 0 CHECK (is_public IN (0, 1)),
    is_active       INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1)),
    start_date      TEXT,
    end_date        TEXT,
    created_at      TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at      TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX vouchers_customer_type ON vouchers (customer_type);
CREATE INDEX vouchers_active ON vouchers (is_active);

-- transactions (purchases and balance top-ups) ------------------------------------------
CREATE TABLE transactions (
    id                      INTEGER PRIMARY KEY,
    transaction_code        TEXT    NOT NULL UNIQUE,
    user_id                 INTEGER REFERENCES users (id) ON DELETE RESTRICT,
    product_item_id         INTEGER REFERENCES product_items (id) ON DELETE SET NULL,
    voucher_id              INTEGER REFERENCES vouchers (id) ON DELETE SET NULL,
    customer_type           TEXT    NOT NULL DEFAULT 'retail' CHECK (customer_type IN ('retail', 'reseller')),
    payment_method_type     TEXT    NOT NULL DEFAULT 'gateway' CHECK (payment_method_type IN ('gateway', 'balance')),
    transaction_type        TEXT    NOT NULL DEFAULT 'purchase' CHECK (transaction_type IN ('purchase', 'topup')),
    prepaid_postpaid_type   TEXT    NOT NULL DEFAULT 'prepaid' CHECK (prepaid_postpaid_type IN ('prepaid', 'postpaid')),
    inquiry_ref             TEXT,
    bill_data               TEXT CHECK (bill_data IS NULL OR json_valid(bill_data)),
    product_name            TEXT,
    product_code            TEXT,
    -- Supplier cost at the time of the order, for real profit reports.
    base_price              INTEGER NOT NULL DEFAULT 0 CHECK (base_price >= 0),
    product_price           INTEGER NOT NULL DEFAULT 0 CHECK (product_price >= 0),
    admin_fee               INTEGER NOT NULL DEFAULT 0 CHECK (admin_fee >= 0),
    discount_amount         INTEGER NOT NULL DEFAULT 0 CHECK (discount_amount >= 0 AND discount_amount <= product_price),
    total_price             INTEGER NOT NULL CHECK (total_price >= 0),
    customer_data           TEXT CHECK (customer_data IS NULL OR json_valid(customer_data)),
    customer_no             TEXT,
    customer_note           TEXT,
    -- Contact given at checkout: a guest proves ownership with it.
    contact_name            TEXT,
    contact_email           TEXT COLLATE NOCASE,
    contact_phone           TEXT,
    payment_method          TEXT,
    payment_status          TEXT    NOT NULL DEFAULT 'pending' CHECK (payment_status IN ('pending', 'paid', 'expired', 'failed')),
    status                  TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'processing', 'success', 'failed', 'refunded')),
    failed_reason           TEXT,
    digiflazz_trx_id        TEXT,
    digiflazz_serial_number TEXT,
    digiflazz_message       TEXT,
    digiflazz_status        TEXT,
    digiflazz_rc            TEXT,
    idempotency_key         TEXT,
    idempotency_hash        TEXT,
    expires_at              TEXT,
    paid_at                 TEXT,
    processed_at            TEXT,
    completed_at            TEXT,
    failed_at               TEXT,
    refunded_at             TEXT,
    expired_at              TEXT,
    created_at              TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at              TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    CHECK (total_price = product_price - discount_amount + admin_fee)
);
CREATE INDEX transactions_user_status ON transactions (user_id, status, created_at);
CREATE INDEX transactions_status_date ON transactions (status, created_at);
CREATE INDEX transactions_payment_status ON transactions (payment_status);
CREATE INDEX transactions_created_at ON transactions (created_at);
CREATE INDEX transactions_paid_at ON transactions (paid_at);
CREATE INDEX transactions_inquiry_ref ON transactions (inquiry_ref);
CREATE INDEX transactions_type ON transactions (transaction_type);
CREATE INDEX transactions_customer_no ON transactions (customer_no);
CREATE INDEX transactions_contact_email ON transactions (contact_email);
CREATE INDEX transactions_product_item ON transactions (product_item_id);
CREATE INDEX transactions_voucher ON transactions (voucher_id);
CREATE UNIQUE INDEX transactions_idempotency ON transactions (idempotency_key) WHERE idempotency_key IS NOT NULL;

CREATE TABLE payments (
    id                    INTEGER PRIMARY KEY,
    transaction_id        INTEGER NOT NULL UNIQUE REFERENCES transactions (id) ON DELETE RESTRICT,
    payment_reference     TEXT    NOT NULL UNIQUE CHECK (length(payment_reference) <= 100),
    payment_method        TEXT    NOT NULL CHECK (length(payment_method) <= 50),
    payment_channel       TEXT    NOT NULL CHECK (length(payment_channel) <= 100),
    payment_code          TEXT,
    amount                INTEGER NOT NULL CHECK (amount >= 0),
    fee                   INTEGER NOT NULL DEFAULT 0 CHECK (fee >= 0),
    total_amount          INTEGER NOT NULL CHECK (total_amount >= 0),
    status                TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'paid', 'expired', 'failed', 'refunded')),
    tripay_merchant_ref   TEXT,
    tripay_customer_name  TEXT,
    tripay_customer_email TEXT,
    tripay_customer_phone TEXT,
    qr_string             TEXT,
    qr_url                TEXT,
    checkout_url          TEXT,
    pay_url               TEXT,
    payment_instructions  TEXT CHECK (payment_instructions IS NULL OR json_valid(payment_instructions)),
    expired_at            TEXT,
    paid_at               TEXT,
    created_at            TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at            TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX payments_status_date ON payments (status, created_at);
CREATE INDEX payments_merchant_ref ON payments (tripay_merchant_ref);

-- Every delivery is stored, verified or not; payment_id is NULL when nothing matched.
CREATE TABLE payment_callbacks (
    id            INTEGER PRIMARY KEY,
    payment_id    INTEGER REFERENCES payments (id) ON DELETE RESTRICT,
    reference     TEXT,
    merchant_ref  TEXT,
    event         TEXT,
    callback_data TEXT    NOT NULL,       -- the raw body, byte for byte (as UTF-8 text)
    signature     TEXT    NOT NULL DEFAULT '',
    ip_address    TEXT    NOT NULL DEFAULT '',
    is_valid      INTEGER NOT NULL DEFAULT 0 CHECK (is_valid IN (0, 1)),
    processed     INTEGER NOT NULL DEFAULT 0 CHECK (processed IN (0, 1)),
    outcome       TEXT,
    created_at    TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at    TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX payment_callbacks_payment ON payment_callbacks (payment_id);
CREATE INDEX payment_callbacks_created_at ON payment_callbacks (created_at);

CREATE TABLE transaction_logs (
    id             INTEGER PRIMARY KEY,
    transaction_id INTEGER NOT NULL REFERENCES transactions (id) ON DELETE CASCADE,
    status_from    TEXT,
    status_to      TEXT,
    message        TEXT,
    meta_data      TEXT CHECK (meta_data IS NULL OR json_valid(meta_data)),
    created_by     INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at     TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at     TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX transaction_logs_transaction ON transaction_logs (transaction_id, created_at);

CREATE TABLE voucher_usages (
    id              INTEGER PRIMARY KEY,
    voucher_id      INTEGER NOT NULL REFERENCES vouchers (id) ON DELETE CASCADE,
    user_id         INTEGER NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
    transaction_id  INTEGER NOT NULL UNIQUE REFERENCES transactions (id) ON DELETE CASCADE,
    discount_amount INTEGER NOT NULL CHECK (discount_amount >= 0),
    released_at     TEXT,   -- set when the order expired or failed before payment
    created_at      TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX voucher_usages_voucher_user ON voucher_usages (voucher_id, user_id);
CREATE INDEX voucher_usages_user ON voucher_usages (user_id);

-- withdrawals ----------------------------------------------------------------------------
CREATE TABLE withdrawals (
    id             INTEGER PRIMARY KEY,
    user_id        INTEGER NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
    amount         INTEGER NOT NULL CHECK (amount > 0),
    payment_method TEXT    NOT NULL CHECK (length(payment_method) BETWEEN 1 AND 50),
    account_number TEXT    NOT NULL CHECK (length(account_number) BETWEEN 1 AND 50),
    account_name   TEXT    NOT NULL CHECK (length(account_name) BETWEEN 1 AND 100),
    status         TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected', 'completed')),
    reference_id   TEXT    NOT NULL UNIQUE,
    admin_note     TEXT,
    processed_by   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    completed_at   TEXT,
    created_at     TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at     TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX withdrawals_user ON withdrawals (user_id, created_at);
CREATE INDEX withdrawals_status ON withdrawals (status, created_at);

-- content and configuration ------------------------------------------------------------
CREATE TABLE banners (
    id          INTEGER PRIMARY KEY,
    title       TEXT    NOT NULL CHECK (length(title) BETWEEN 1 AND 255),
    subtitle    TEXT,
    image       TEXT    NOT NULL,
    link        TEXT,
    description TEXT,
    is_active   INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1)),
    start_date  TEXT,
    end_date    TEXT,
    sort_order  INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at  TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX banners_active_sort ON banners (is_active, sort_order);

CREATE TABLE settings (
    id          INTEGER PRIMARY KEY,
    key         TEXT    NOT NULL UNIQUE CHECK (length(key) BETWEEN 1 AND 100),
    value       TEXT,
    type        TEXT    NOT NULL DEFAULT 'string' CHECK (type IN ('string', 'number', 'boolean', 'json')),
    "group"     TEXT CHECK ("group" IS NULL OR length("group") <= 50),
    description TEXT,
    is_public   INTEGER NOT NULL DEFAULT 0 CHECK (is_public IN (0, 1)),
    created_at  TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at  TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX settings_group ON settings ("group");

CREATE TABLE activity_logs (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER REFERENCES users (id) ON DELETE SET NULL,
    action      TEXT    NOT NULL CHECK (length(action) BETWEEN 1 AND 100),
    model_type  TEXT,
    model_id    INTEGER,
    description TEXT,
    ip_address  TEXT,
    user_agent  TEXT,
    meta_data   TEXT CHECK (meta_data IS NULL OR json_valid(meta_data)),
    created_at  TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at  TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX activity_logs_user ON activity_logs (user_id);
CREATE INDEX activity_logs_action ON activity_logs (action);
CREATE INDEX activity_logs_model ON activity_logs (model_type, model_id);
CREATE INDEX activity_logs_created_at ON activity_logs (created_at);
