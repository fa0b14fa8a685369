-- Stored webhook deliveries (Tripay callbacks, Digiflazz webhooks) are evidence, kept
-- for this many days and then pruned by the `prune_deliveries` schedule.
INSERT INTO settings (key, value, type, "group", description, is_public) VALUES
    ('webhooks.keep_days', '90', 'number', 'admin', 'Days stored Tripay callbacks and Digiflazz webhooks are kept', 0);
