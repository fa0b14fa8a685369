//! Supplier rules that touch orders: the Digiflazz webhook and status re-checks.

use rusqlite::{params, OptionalExtension};

use super::{
    digiflazz,
    model::{SupplierOrder, TopupRequest},
};
use crate::{
    app::App,
    db::DbError,
    orders::fulfilment::{self, Applied, Source},
};

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
    /// Bad or missing signature: stored, nothing changed.
    Rejected,
    /// Not a webhook body: stored, nothing changed.
    Unreadable,
}

pub async fn handle_webhook(app: &App, d: Delivery) -> Result<WebhookResult, DbError> {
    let secret = app.config.digiflazz.webhook_secret.clone();
    let verified = !secret.is_empty()
        && d.signature.as_deref().is_some_and(|sig| digiflazz::verify_webhook(&secret, &d.body, sig));
    let parsed = digiflazz::parse_webhook(&d.body);
    let raw = String::from_utf8_lossy(&d.body).into_owned();
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
            Ok(Some(order)) if verified => {
                let applied = apply_and_notify(app, order, Source::Webhook).await?;
                WebhookResult::Done(applied.label().into())
            }
            // No secret configured: anyone could have sent this. Ask Digiflazz instead.
            Ok(Some(order)) => match recheck(app, &order.ref_id).await? {
                Some(applied) => WebhookResult::Done(format!("rechecked:{}", applied.label())),
                None => WebhookResult::Done(Applied::UnknownRef.label().into()),
            },
        }
    };
    let outcome = match &result {
        WebhookResult::Done(s) => s.clone(),
        WebhookResult::Rejected => "invalid_signature".into(),
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

/// Asks Digiflazz for an order's status by re-sending the same request with the same
/// ref_id (the documented status check), and applies the answer. None: no such order.
pub async fn recheck(app: &App, ref_id: &str) -> Result<Option<Applied>, DbError> {
    let code = ref_id.to_string();
    let found: Option<(String, String, String)> = app
        .db
        .run(move |c| {
            c.query_row(
                "SELECT COALESCE(product_code, ''), COALESCE(customer_no, ''), status FROM transactions
                 WHERE transaction_code = ?1",
                [&code],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()
            .map_err(DbError::from)
        })
        .await?;
    let Some((sku, customer_no, status)) = found else {
        return Ok(None);
    };
    if status != "processing" {
        // Nothing to learn: a final order never moves, an unpaid one was never sent.
        return Ok(Some(Applied::Ignored { transaction_id: 0, status }));
    }
    let answer: SupplierOrder = app
        .digiflazz
        .topup(&TopupRequest { sku, customer_no, ref_id: ref_id.to_string(), max_price: None, callback_url: None })
        .await;
    Ok(Some(apply_and_notify(app, answer, Source::Recheck).await?))
}

/// Applies an answer and writes the user's notification in one transaction, then
/// delivers the notification.
async fn apply_and_notify(app: &App, order: SupplierOrder, source: Source) -> Result<Applied, DbError> {
    let (applied, notes) = app
        .db
        .write(move |tx| -> Result<_, DbError> {
            let applied = fulfilment::apply(tx, &order, source)?;
            if !matches!(applied, Applied::StillPending { .. } | Applied::Unknown { .. }) {
                tx.execute("UPDATE transactions SET next_check_at = NULL WHERE transaction_code = ?1 AND status <> 'processing'",
                           [&order.ref_id])?;
            }
            let notes = fulfilment::notify(tx, &applied)?;
            Ok((applied, notes))
        })
        .await?;
    crate::notifications::deliver(app, notes);
    tracing::info!(outcome = applied.label(), source = source.as_str(), "supplier answer applied");
    Ok(applied)
}
