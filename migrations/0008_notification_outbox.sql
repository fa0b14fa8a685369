-- Notifications leave through an outbox, like fulfilment: the row is written in the
-- same transaction as the notification, and a dispatcher posts it to the operator's
-- bridge after the commit, retrying with a growing delay when the bridge is down.
CREATE TABLE notification_outbox (
    id              INTEGER PRIMARY KEY,
    notification_id INTEGER NOT NULL REFERENCES notifications (id) ON DELETE CASCADE,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT,
    sent_at         TEXT,
    last_error      TEXT,
    created_at      TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX notification_outbox_due ON notification_outbox (sent_at, next_attempt_at, id);
