//! An order's payment: what Tripay tells lapak (PAID, EXPIRED, FAILED, REFUND), lapak's
//! own payment deadline, and the owner's cancel. Each becomes one `lifecycle` event.

use rusqlite::OptionalExtension;

use super::{
    checkout::move_error,
    lifecycle::{self, Event, MoveError},
    model::{CancelRequest, OrderView},
    repo,
    service::{owns, view},
};
use crate::{
    accounts::model::AuthUser,
    app::App,
    db::{ts, DbError},
    error::{ApiError, ApiResult},
    notifications,
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
            let found: Option<(i64, i64, String)> = tx
                .query_row(
                    "SELECT p.transaction_id, p.total_amount, t.transaction_code FROM payments p
                     JOIN transactions t ON t.id = p.transaction_id WHERE p.payment_reference = ?1",
                    [&reference],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .optional()?;
            let Some((order_id, expected, code)) = found else {
                return Ok((PaymentOutcome::UnknownReference, vec![], false));
            };
            if merchant_ref.as_deref() != Some(code.as_str()) {
                return Ok((PaymentOutcome::Mismatch("merchant_ref does not match the reference".into()), vec![], false));
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
    notifications::deliver(app, notes);
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
            let mut s = tx.prepare(
                "SELECT id FROM transactions
                 WHERE status = 'pending' AND payment_status = 'pending' AND expires_at IS NOT NULL AND expires_at <= ?1",
            )?;
            let due: Vec<i64> = s.query_map([ts(now)], |r| r.get(0))?.collect::<Result<_, _>>()?;
            drop(s);
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
    notifications::deliver(app, notes);
    Ok(n)
}

/// `POST /transactions/{code}/cancel`: only the owner, only while unpaid.
pub async fn cancel(app: &App, code: String, user: Option<AuthUser>, proof: CancelRequest) -> ApiResult<OrderView> {
    let now = app.clock.now();
    let (id, notes) = app
        .db
        .write(move |tx| -> ApiResult<_> {
            let o = repo::find_by_code(tx, &code)?.ok_or_else(|| ApiError::not_found("transaction"))?;
            if !owns(&o, user.as_ref(), proof.email.as_deref(), proof.phone.as_deref()) {
                return Err(ApiError::not_found("transaction"));
            }
            let fx = lifecycle::transition(tx, o.id, Event::Cancelled { by: user.as_ref().map(|u| u.id) }, now)
                .map_err(|e| match e {
                    MoveError::Illegal(_) => {
                        ApiError::conflict("not_cancellable", "only an unpaid order can be cancelled")
                    }
                    other => move_error(other),
                })?;
            Ok((o.id, fx.notifications))
        })
        .await?;
    notifications::deliver(app, notes);
    view(app, id).await
}
