-- Counter software (OtomaX, IRS) on an API key (issue 17): whether the key takes
-- `GET /h2h/otomax/trx`, and where its report callbacks (HTTP GET) go. The PIN and
-- password of the OtomaX sign are derived like the key's secret, never stored.
ALTER TABLE api_keys ADD COLUMN otomax_enabled INTEGER NOT NULL DEFAULT 0 CHECK (otomax_enabled IN (0, 1));
ALTER TABLE api_keys ADD COLUMN report_url TEXT;
-- Orders placed through the counter endpoint get report callbacks instead of JSON ones.
ALTER TABLE h2h_orders ADD COLUMN via_otomax INTEGER NOT NULL DEFAULT 0 CHECK (via_otomax IN (0, 1));
ALTER TABLE h2h_callbacks ADD COLUMN method TEXT NOT NULL DEFAULT 'POST' CHECK (method IN ('POST', 'GET'));
