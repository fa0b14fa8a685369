-- Host-to-host API keys (issue 17): a reseller's shop or counter software signs its
-- requests with the key's secret. The secret is never stored: it is derived from the
-- shop's H2H master key (config `h2h.master_key`, or the key file next to the
-- database) and the key id and version; `secret_check` (SHA-256 of the secret) only
-- confirms a derivation.
CREATE TABLE api_keys (
    id             INTEGER PRIMARY KEY,
    key_id         TEXT    NOT NULL UNIQUE,
    user_id        INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name           TEXT    NOT NULL,
    secret_version INTEGER NOT NULL DEFAULT 1 CHECK (secret_version >= 1),
    secret_check   TEXT    NOT NULL,
    -- Addresses and networks allowed to call with this key (JSON list of CIDRs).
    ip_whitelist   TEXT    NOT NULL CHECK (json_valid(ip_whitelist)),
    status         TEXT    NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended', 'revoked')),
    last_used_at   TEXT,
    last_ip        TEXT,
    created_at     TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at     TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX api_keys_user ON api_keys (user_id);
