//! Payment rules: the cached channel list and the Tripay callback.

use std::time::{Duration, Instant};

use rusqlite::{params, OptionalExtension};

use super::{
    model::Channel,
    tripay::{self, CallbackStatus},
};
use crate::{
    app::App,
    db::{now_str, DbError},
    error::ApiError,
    orders::payment::{self as orders, GatewayEvent, PaymentOutcome},
};

const CHANNELS_TTL: Duration = Duration::from_secs(600);

/// Active channels, from a ten-minute cache; a stale list is used when Tripay is down.
pub async fn channels(app: &App) -> Result<Vec<Channel>, ApiError> {
    let cached = app.payments.channels.lock().unwrap_or_else(|p| p.into_inner()).clone();
    if let Some((at, list)) = &cached {
        if at.elapsed() < CHANNELS_TTL {
            return Ok(list.clone());
        }
    }
    match app.tripay.channels().await {
        Ok(list) => {
            let active: Vec<Channel> = list.into_iter().filter(|c| c.active).collect();
            *app.payments.channels.lock().unwrap_or_else(|p| p.into_inner()) = Some((Instant::now(), active.clone()));
            Ok(active)
        }
        Err(e) => match cached {
            Some((_, list)) => {
                tracing::warn!(error = %e, "Tripay channel list unavailable; using the cached one");
                Ok(list)
            }
            None => Err(crate::supplier::api::upstream(format!("payment channels are unavailable: {e}"))),
        },
    }
}

/// One callback delivery as received.
pub struct CallbackDelivery {
    pub body: Vec<u8>,
    pub signature: Option<String>,
    pub event: Option<String>,
    pub ip: String,
}

#[derive(Debug, PartialEq, Eq)]
pub enum CallbackResult {
    /// Acted on, or a replay/late duplicate: answer `{"success": true}`.
    Ok(String),
    /// Bad or missing signature, or the wrong event: nothing changed.
    Unauthorized(String),
    /// Signed, but not something lapak can act on (unknown reference, amount mismatch).
    Rejected(String),
    /// Too many bad signatures from this address: not even stored (seconds to wait).
    TooMany(u64),
}

pub async fn handle_callback(app: &App, d: CallbackDelivery) -> Result<CallbackResult, DbError> {
    let key = app.tripay.private_key().to_string();
    let sig = d.signature.clone().unwrap_or_default();
    let valid = tripay::verify_callback(&key, &d.body, &sig);
    let event_ok = d.event.as_deref().is_some_and(|e| e.trim() == "payment_status");
    if !valid {
        if let Err(wait) = crate::app::Limits::check(&app.limits.webhook_failures, d.ip.clone()) {
            tracing::warn!(ip = %d.ip, "Tripay callbacks with bad signatures from this address: refused unstored");
            return Ok(CallbackResult::TooMany(wait));
        }
    }
    let parsed = tripay::parse_callback(&d.body);
    // A delivery failing its signature is kept only as a bounded prefix.
    let raw = if valid {
        String::from_utf8_lossy(&d.body).into_owned()
    } else {
        crate::supplier::service::bounded_prefix(&d.body)
    };
    let (reference, merchant_ref) = match &parsed {
        Ok(c) => (Some(c.reference.clone()), c.merchant_ref.clone()),
        Err(_) => (None, None),
    };

    // Store every delivery first.
    let row = {
        let (raw, reference, merchant_ref, sig, ip, event) =
            (raw.clone(), reference.clone(), merchant_ref.clone(), sig.clone(), d.ip.clone(), d.event.clone());
        app.db
            .run(move |c| {
                let payment_id: Option<i64> = match &reference {
                    Some(r) => c
                        .query_row("SELECT id FROM payments WHERE payment_reference = ?1", [r], |r| r.get(0))
                        .optional()?,
                    None => None,
                };
                c.execute(
                    "INSERT INTO payment_callbacks (payment_id, reference, merchant_ref, event, callback_data, signature,
                                                    ip_address, is_valid)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                    params![payment_id, reference, merchant_ref, event, raw, sig, ip, valid && event_ok],
                )?;
                Ok::<_, DbError>(c.last_insert_rowid())
            })
            .await?
    };

    let result = if !valid {
        CallbackResult::Unauthorized("invalid signature".into())
    } else if !event_ok {
        CallbackResult::Unauthorized("unsupported callback event".into())
    } else {
        match parsed {
            Err(e) => CallbackResult::Rejected(e),
            Ok(cb) => apply(app, cb).await?,
        }
    };
    let (processed, outcome) = match &result {
        CallbackResult::Ok(s) => (true, s.clone()),
        CallbackResult::Unauthorized(s) | CallbackResult::Rejected(s) => (false, s.clone()),
        CallbackResult::TooMany(_) => (false, "rate_limited".into()),
    };
    app.db
        .run(move |c| {
            c.execute(
                "UPDATE payment_callbacks SET processed = ?2, outcome = ?3, updated_at = ?4 WHERE id = ?1",
                params![row, processed, outcome, now_str()],
            )
            .map(|_| ())
            .map_err(DbError::from)
        })
        .await?;
    Ok(result)
}

async fn apply(app: &App, cb: tripay::Callback) -> Result<CallbackResult, DbError> {
    let event = match cb.status {
        CallbackStatus::Paid => GatewayEvent::Paid,
        CallbackStatus::Expired => GatewayEvent::Expired,
        CallbackStatus::Failed => GatewayEvent::Failed,
        CallbackStatus::Refund => GatewayEvent::Refund,
        CallbackStatus::Unpaid | CallbackStatus::Other(_) => {
            return Ok(CallbackResult::Ok(format!("status {:?} needs no action", cb.status)));
        }
    };
    let outcome = orders::on_gateway(app, &cb.reference, cb.merchant_ref.as_deref(), cb.total_amount, event).await?;
    Ok(match outcome {
        PaymentOutcome::Applied(what) => CallbackResult::Ok(what),
        PaymentOutcome::Duplicate(what) => CallbackResult::Ok(format!("duplicate: {what}")),
        PaymentOutcome::UnknownReference => CallbackResult::Rejected("unknown reference".into()),
        PaymentOutcome::Mismatch(why) => CallbackResult::Rejected(why),
    })
}

/// Deletes stored callbacks received before `cutoff`; returns how many.
pub fn prune_callbacks(c: &rusqlite::Connection, cutoff: &str) -> Result<usize, DbError> {
    Ok(c.execute("DELETE FROM payment_callbacks WHERE created_at < ?1", [cutoff])?)
}
