-- Default settings: the app-config front ends read, and the switches lapak obeys.
INSERT INTO settings (key, value, type, "group", description, is_public) VALUES
    ('app.name', 'lapak', 'string', 'general', 'Shop name shown by front ends', 1),
    ('features.guest_checkout', 'true', 'boolean', 'features', 'Buying without an account', 1),
    ('features.deposits', 'true', 'boolean', 'features', 'Balance top-ups through the payment gateway', 1),
    ('features.reseller_registration', 'false', 'boolean', 'features', 'Self-service reseller sign-up (admins promote otherwise)', 1),
    ('maintenance.active', 'false', 'boolean', 'maintenance', 'When true, purchases and deposits are refused', 1),
    ('maintenance.message', 'Kami sedang melakukan pemeliharaan. Silakan coba lagi nanti.', 'string', 'maintenance', 'Shown while in maintenance', 1),
    ('links.whatsapp_support', '', 'string', 'links', 'WhatsApp support link', 1),
    ('links.privacy_policy', '', 'string', 'links', 'Privacy policy URL', 1),
    ('links.terms_service', '', 'string', 'links', 'Terms of service URL', 1),
    ('app.min_version', '', 'string', 'general', 'Oldest mobile app version still supported', 1);
