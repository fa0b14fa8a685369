//! An order's payment: what Tripay tells lapak (PAID, EXPIRED, FAILED, REFUND) through
//! its signed callback, lapak's own payment deadline, and the owner's cancel. Each
//! becomes one `lifecycle` event.

use std::time::{Duration, Instant};

use super::{
    lifecycle::{self, Event, MoveError},
    model::{CancelRequest, OrderError, OrderView},
    repo,
    service::{owns, view},
};
use crate::{
    app::App,
    auth::model::AuthUser,
    clock::ts,
    db::DbError,
    notifications,
    tripay::{self, model::Channel, CallbackStatus},
};

/// What the gateway says about a payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GatewayEvent {
    Paid,
    Expired,
    Failed,
    Refund,
}

#[derive(Debug, PartialEq, Eq)]
pub enum PaymentOutcome {
    /// Acted on; the word says what happened (`paid`, `late_payment`, `refunded` ...).
    Applied(String),
    /// Nothing to do: a replay, or news about a payment that already moved on.
    Duplicate(String),
    UnknownReference,
    /// Signed, but not about what lapak holds (merchant_ref or amount).
    Mismatch(String),
}

/// Applies a gateway event to the payment with this reference, matching both the
/// reference and the merchant_ref (and, for PAID, the amount). One database
/// transaction holds the move and all its effects; a replay changes nothing.
pub async fn on_gateway(
    app: &App,
    reference: &str,
    merchant_ref: Option<&str>,
    total_amount: Option<i64>,
    event: GatewayEvent,
) -> Result<PaymentOutcome, DbError> {
    let (reference, merchant_ref) = (reference.to_string(), merchant_ref.map(str::to_string));
    let now = app.clock.now();
    let (outcome, notes, fulfil) = app
        .db
        .write(move |tx| -> Result<_, DbError> {
            let Some((order_id, expected, code)) = repo::order_of_payment(tx, &reference)? else {
                return Ok((PaymentOutcome::UnknownReference, vec![], false));
            };
            if merchant_ref.as_deref() != Some(code.as_str()) {
                return Ok((
                    PaymentOutcome::Mismatch("merchant_ref does not match the reference".into()),
                    vec![],
                    false,
                ));
            }
            if event == GatewayEvent::Paid && total_amount != Some(expected) {
                return Ok((
                    PaymentOutcome::Mismatch(format!("amount {total_amount:?} does not match the expected {expected}")),
                    vec![],
                    false,
                ));
            }
            let e = match event {
                GatewayEvent::Paid => Event::GatewayPaid,
                GatewayEvent::Expired => Event::GatewayExpired,
                GatewayEvent::Failed => Event::GatewayFailed,
                GatewayEvent::Refund => Event::GatewayRefunded,
            };
            match lifecycle::transition(tx, order_id, e, now) {
                Ok(fx) if fx.outcome == "duplicate" => {
                    Ok((PaymentOutcome::Duplicate("the payment already moved on".into()), vec![], false))
                }
                Ok(fx) => Ok((PaymentOutcome::Applied(fx.outcome.into()), fx.notifications, fx.fulfil)),
                Err(MoveError::Illegal(why)) => Ok((PaymentOutcome::Duplicate(why), vec![], false)),
                Err(MoveError::Insufficient { .. }) => Err(DbError::Other("a gateway event debited a balance".into())),
                Err(MoveError::Db(e)) => Err(e),
            }
        })
        .await?;
    if !notes.is_empty() {
        notifications::wake(app);
    }
    if fulfil {
        app.jobs.wake();
    }
    Ok(outcome)
}

/// Unpaid orders past their deadline: payment expired, order failed, voucher released.
pub async fn expire_due(app: &App) -> Result<usize, DbError> {
    let now = app.clock.now();
    let (n, notes) = app
        .db
        .write(move |tx| -> Result<_, DbError> {
            let due = repo::due_for_expiry(tx, &ts(now))?;
            let (mut n, mut notes) = (0, Vec::new());
            for id in &due {
                match lifecycle::transition(tx, *id, Event::DeadlinePassed, now) {
                    Ok(fx) => {
                        n += 1;
                        notes.extend(fx.notifications);
                    }
                    Err(MoveError::Db(e)) => return Err(e),
                    Err(e) => tracing::warn!(order = id, error = %e, "could not expire an order"),
                }
            }
            Ok((n, notes))
        })
        .await?;
    if !notes.is_empty() {
        notifications::wake(app);
    }
    Ok(n)
}

/// `POST /transactions/{code}/cancel`: only the owner, only while unpaid.
pub async fn cancel(
    app: &App,
    code: String,
    user: Option<AuthUser>,
    proof: CancelRequest,
) -> Result<OrderView, OrderError> {
    let now = app.clock.now();
    let id = app
        .db
        .write(move |tx| -> Result<_, OrderError> {
            let o = repo::find_by_code(tx, &code)?.ok_or(OrderError::NotFound("transaction"))?;
            if !owns(&o, user.as_ref(), proof.email.as_deref(), proof.phone.as_deref()) {
                return Err(OrderError::NotFound("transaction"));
            }
            lifecycle::transition(tx, o.id, Event::Cancelled { by: user.as_ref().map(|u| u.id) }, now).map_err(
                |e| match e {
                    MoveError::Illegal(_) => OrderError::NotCancellable,
                    other => other.into(),
                },
            )?;
            Ok(o.id)
        })
        .await?;
    notifications::wake(app);
    view(app, id).await
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
    let raw =
        if valid { String::from_utf8_lossy(&d.body).into_owned() } else { crate::web::raw::bounded_prefix(&d.body) };
    let (reference, merchant_ref) = match &parsed {
        Ok(c) => (Some(c.reference.clone()), c.merchant_ref.clone()),
        Err(_) => (None, None),
    };

    // Store every delivery first.
    let row = {
        let (raw, reference, merchant_ref, sig, ip, event) =
            (raw.clone(), reference.clone(), merchant_ref.clone(), sig.clone(), d.ip.clone(), d.event.clone());
        app.db
            .write(move |tx| {
                Ok::<_, DbError>(repo::insert_callback(
                    tx,
                    reference.as_deref(),
                    merchant_ref.as_deref(),
                    event.as_deref(),
                    &raw,
                    &sig,
                    &ip,
                    valid && event_ok,
                )?)
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
    let now = app.clock.now_str();
    app.db.write(move |tx| Ok::<_, DbError>(repo::finish_callback(tx, row, processed, &outcome, &now)?)).await?;
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
    let outcome = on_gateway(app, &cb.reference, cb.merchant_ref.as_deref(), cb.total_amount, event).await?;
    Ok(match outcome {
        PaymentOutcome::Applied(what) => CallbackResult::Ok(what),
        PaymentOutcome::Duplicate(what) => CallbackResult::Ok(format!("duplicate: {what}")),
        PaymentOutcome::UnknownReference => CallbackResult::Rejected("unknown reference".into()),
        PaymentOutcome::Mismatch(why) => CallbackResult::Rejected(why),
    })
}

/// Deletes stored callbacks received before `cutoff`; returns how many.
pub fn prune_callbacks(c: &rusqlite::Connection, cutoff: &str) -> Result<usize, DbError> {
    Ok(repo::prune_callbacks(c, cutoff)?)
}

const CHANNELS_TTL: Duration = Duration::from_secs(600);

/// Active channels, from a ten-minute cache; a stale list is used when Tripay is down.
pub async fn channels(app: &App) -> Result<Vec<Channel>, OrderError> {
    let cached = app.caches.channels.lock().unwrap_or_else(|p| p.into_inner()).clone();
    if let Some((at, list)) = &cached {
        if at.elapsed() < CHANNELS_TTL {
            return Ok(list.clone());
        }
    }
    match app.tripay.channels().await {
        Ok(list) => {
            let active: Vec<Channel> = list.into_iter().filter(|c| c.active).collect();
            *app.caches.channels.lock().unwrap_or_else(|p| p.into_inner()) = Some((Instant::now(), active.clone()));
            Ok(active)
        }
        Err(e) => match cached {
            Some((_, list)) => {
                tracing::warn!(error = %e, "Tripay channel list unavailable; using the cached one");
                Ok(list)
            }
            None => {
                Err(OrderError::Upstream { message: format!("payment channels are unavailable: {e}"), order: None })
            }
        },
    }
}
