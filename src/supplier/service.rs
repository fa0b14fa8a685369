//! The Digiflazz webhook as received: stored in full, verified over the raw body, then
//! handed to `orders::fulfilment` (a verified answer) or taken as a hint to ask.

use rusqlite::params;

use super::digiflazz;
use crate::{app::App, db::DbError, orders::fulfilment};

/// One webhook delivery as received.
pub struct Delivery {
    pub body: Vec<u8>,
    pub signature: Option<String>,
    pub event: Option<String>,
    pub delivery_id: Option<String>,
    pub user_agent: Option<String>,
    pub ip: Option<String>,
}

pub enum WebhookResult {
    /// Stored and acted on; the text says what happened.
    Done(String),
    /// Bad or missing signature: a bounded prefix stored, nothing changed.
    Rejected,
    /// Too many bad signatures from this address: not even stored (seconds to wait).
    TooMany(u64),
    /// Not a webhook body: stored, nothing changed.
    Unreadable,
}

pub async fn handle_webhook(app: &App, d: Delivery) -> Result<WebhookResult, DbError> {
    let secret = app.config.digiflazz.webhook_secret.clone();
    let verified = !secret.is_empty()
        && d.signature.as_deref().is_some_and(|sig| digiflazz::verify_webhook(&secret, &d.body, sig));
    let forged = !secret.is_empty() && !verified;
    if forged {
        let key = d.ip.clone().unwrap_or_else(|| "unknown".into());
        if let Err(wait) = crate::app::Limits::check(&app.limits.webhook_failures, key) {
            tracing::warn!(ip = ?d.ip, "digiflazz webhooks with bad signatures from this address: refused unstored");
            return Ok(WebhookResult::TooMany(wait));
        }
    }
    let parsed = digiflazz::parse_webhook(&d.body);
    // A delivery that fails its signature is kept only as a bounded prefix: anyone can
    // send one, and it is evidence, not data.
    let raw = if forged { bounded_prefix(&d.body) } else { String::from_utf8_lossy(&d.body).into_owned() };
    let (ref_id, status, rc) = match &parsed {
        Ok(Some(o)) => (Some(o.ref_id.clone()), Some(o.status_text.clone()), Some(o.rc.clone())),
        _ => (None, None, None),
    };

    // Store first, whatever happens next.
    let row = {
        let (raw, ref_id, status, rc) = (raw.clone(), ref_id.clone(), status.clone(), rc.clone());
        let (event, delivery_id, ua, sig, ip) = (d.event, d.delivery_id, d.user_agent, d.signature, d.ip);
        app.db
            .run(move |c| {
                c.execute(
                    "INSERT INTO supplier_webhooks (event, delivery_id, user_agent, signature, verified, raw_body, ref_id,
                                                    status, rc, ip_address)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                    params![event, delivery_id, ua, sig, verified, raw, ref_id, status, rc, ip],
                )?;
                Ok::<_, DbError>(c.last_insert_rowid())
            })
            .await?
    };

    let result = if !secret.is_empty() && !verified {
        tracing::warn!(webhook = row, "digiflazz webhook with a missing or wrong signature refused");
        WebhookResult::Rejected
    } else {
        match parsed {
            Err(e) => {
                tracing::warn!(webhook = row, error = %e, "unreadable digiflazz webhook");
                WebhookResult::Unreadable
            }
            Ok(None) => WebhookResult::Done("ping".into()),
            Ok(Some(order)) if verified => WebhookResult::Done(fulfilment::on_verified_webhook(app, order).await?.into()),
            // No secret configured: anyone could have sent this. Ask Digiflazz instead,
            // within the order's lease (orders.recheck_min_secs).
            Ok(Some(order)) => WebhookResult::Done(fulfilment::on_hint(app, &order.ref_id).await?),
        }
    };
    let outcome = match &result {
        WebhookResult::Done(s) => s.clone(),
        WebhookResult::Rejected => "invalid_signature".into(),
        WebhookResult::TooMany(_) => "rate_limited".into(),
        WebhookResult::Unreadable => "unreadable".into(),
    };
    app.db
        .run(move |c| {
            c.execute("UPDATE supplier_webhooks SET outcome = ?2 WHERE id = ?1", params![row, outcome])
                .map_err(DbError::from)
        })
        .await?;
    Ok(result)
}

/// How much of a delivery that fails its signature is stored.
pub const FORGED_PREFIX: usize = 2048;

/// The first `FORGED_PREFIX` bytes of a body as text, marked when cut.
pub fn bounded_prefix(body: &[u8]) -> String {
    if body.len() <= FORGED_PREFIX {
        return String::from_utf8_lossy(body).into_owned();
    }
    format!("{}…[{} bytes, cut]", String::from_utf8_lossy(&body[..FORGED_PREFIX]), body.len())
}

/// Deletes stored webhooks received before `cutoff`; returns how many.
pub fn prune_webhooks(c: &rusqlite::Connection, cutoff: &str) -> Result<usize, DbError> {
    Ok(c.execute("DELETE FROM supplier_webhooks WHERE created_at < ?1", [cutoff])?)
}
