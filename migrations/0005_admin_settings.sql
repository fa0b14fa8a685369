-- The dashboard warns when the Digiflazz deposit falls below this (rupiah).
INSERT INTO settings (key, value, type, "group", description, is_public) VALUES
    ('admin.low_deposit', '500000', 'number', 'admin', 'Warn on the dashboard when the Digiflazz deposit is below this (Rp)', 0);
