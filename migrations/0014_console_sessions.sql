-- The admin console's cookie sessions: a token that also expires after `idle_minutes`
-- without use (each use pushes `expires_at` forward, never past `renew_until`).
-- Bearer tokens for other clients leave both empty and keep their fixed expiry.
ALTER TABLE access_tokens ADD COLUMN idle_minutes INTEGER;
ALTER TABLE access_tokens ADD COLUMN renew_until TEXT;
