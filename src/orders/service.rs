//! Reading orders (views, ownership) and the admin's actions on one order. Every state
//! change goes through `lifecycle::transition`.

use serde_json::json;

use super::{
    checkout::move_error,
    fulfilment::{self, Asked, Asker},
    lifecycle::{self, Event, MoveError, Verdict},
    model::{OrderStatus, OrderView},
    repo::{self, OrderRow},
};
use crate::{
    accounts::{
        model::AuthUser,
        repo::log_activity,
        service::{normalize_email, normalize_phone},
    },
    app::App,
    error::{ApiError, ApiResult},
    notifications,
};

pub fn to_view(o: OrderRow, payment: Option<super::model::PaymentView>) -> OrderView {
    OrderView {
        transaction_code: o.code,
        transaction_type: o.transaction_type,
        product_name: o.product_name,
        item_name: o.item_name,
        product_item_id: o.product_item_id,
        customer_no: o.customer_no,
        customer_data: o.customer_data,
        product_price: o.product_price,
        discount_amount: o.discount_amount,
        admin_fee: o.admin_fee,
        total_price: o.total_price,
        payment_method: o.payment_method,
        status: o.status,
        payment_status: o.payment_status,
        sn: o.sn.unwrap_or_default(),
        message: o.supplier_message,
        failed_reason: o.failed_reason,
        voucher_code: o.voucher_code,
        payment,
        created_at: o.created_at,
        expires_at: o.expires_at,
        paid_at: o.paid_at,
        completed_at: o.completed_at,
    }
}

/// A page of orders as views, with their payments.
pub fn list_views(
    c: &rusqlite::Connection,
    filter: &repo::OrderFilter,
    limit: i64,
    offset: i64,
) -> ApiResult<(Vec<OrderView>, i64)> {
    let (rows, total) = repo::list(c, filter, limit, offset)?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let p = repo::payment_of(c, r.id)?;
        out.push(to_view(r, p));
    }
    Ok((out, total))
}

pub async fn view(app: &App, id: i64) -> ApiResult<OrderView> {
    app.db
        .run(move |c| -> ApiResult<_> {
            let o = repo::find_by_id(c, id)?.ok_or_else(|| ApiError::not_found("transaction"))?;
            let p = repo::payment_of(c, id)?;
            Ok(to_view(o, p))
        })
        .await
}

/// Whether the caller owns the order: a member by its token; a guest's order also by
/// the e-mail or phone given at checkout. A member's order is never opened with an
/// e-mail or phone. Anyone else gets 404 (not 403: the code's existence is private).
pub fn owns(o: &OrderRow, user: Option<&AuthUser>, email: Option<&str>, phone: Option<&str>) -> bool {
    if user.is_some_and(|u| o.user_id == Some(u.id)) {
        return true;
    }
    if !o.owner_is_guest {
        return false;
    }
    let by_email =
        email.and_then(normalize_email).zip(o.contact_email.as_deref()).is_some_and(|(a, b)| a.eq_ignore_ascii_case(b));
    let by_phone = phone.and_then(normalize_phone).zip(o.contact_phone.as_deref()).is_some_and(|(a, b)| a == b);
    by_email || by_phone
}

pub async fn get_owned(
    app: &App,
    code: String,
    user: Option<AuthUser>,
    email: Option<String>,
    phone: Option<String>,
) -> ApiResult<OrderView> {
    app.db
        .run(move |c| -> ApiResult<_> {
            let o = repo::find_by_code(c, &code)?.ok_or_else(|| ApiError::not_found("transaction"))?;
            if !owns(&o, user.as_ref(), email.as_deref(), phone.as_deref()) {
                return Err(ApiError::not_found("transaction"));
            }
            let p = repo::payment_of(c, o.id)?;
            Ok(to_view(o, p))
        })
        .await
}

/// Who acts in the admin's name, for the audit trail.
pub struct Admin {
    pub id: i64,
    pub ip: Option<String>,
}

/// `POST /admin/transactions/{code}/status`: success or failed, along legal moves only.
/// Failing an order that went to the supplier asks the supplier first and refuses while
/// it says pending or success (or its answer says nothing); `force` skips the question.
pub async fn admin_set_status(
    app: &App,
    admin: &Admin,
    code: &str,
    to: OrderStatus,
    reason: String,
    force: bool,
    sn: Option<String>,
) -> ApiResult<()> {
    let c = code.to_string();
    let o = app
        .db
        .run(move |db| -> ApiResult<_> { repo::find_by_code(db, &c)?.ok_or_else(|| ApiError::not_found("transaction")) })
        .await?;
    match to {
        OrderStatus::Failed | OrderStatus::Success => {}
        other => {
            return Err(ApiError::conflict(
                "illegal_move",
                format!(
                    "an admin sets an order to success or failed; {} is reached another way (refunds: the refund routes)",
                    other.as_str()
                ),
            ))
        }
    }
    if to == OrderStatus::Failed && o.status == OrderStatus::Processing && !force && o.supplier_attempts > 0 {
        let ask = |msg: String, code: &'static str| ApiError::conflict(code, msg).with_field("status");
        match fulfilment::ask_supplier(app, o.id, Asker::Admin).await? {
            Asked::Answered { verdict: Verdict::Success, .. } => {
                return Err(ask(
                    "the supplier delivered this order (it is now success); it cannot be failed".into(),
                    "supplier_success",
                ))
            }
            Asked::Answered { verdict: Verdict::Pending, .. } => {
                return Err(ask(
                    "the supplier still has this order pending; wait for its answer, or force it with a reason".into(),
                    "supplier_pending",
                ))
            }
            Asked::Answered { verdict: Verdict::Unknown(_), .. } | Asked::TooOld => {
                return Err(ask(
                    "the supplier's answer says nothing about this order, so it may have been delivered; force it with a reason to fail it anyway".into(),
                    "supplier_unknown",
                ))
            }
            Asked::TooSoon(wait) => {
                return Err(ApiError::conflict(
                    "recheck_too_soon",
                    format!("the supplier was asked about this order moments ago; ask again in {wait} s, or force it"),
                )
                .with_details(json!({"retry_after": wait})))
            }
            // The supplier confirmed the failure: the order is failed (and refunded) by its answer.
            Asked::Answered { verdict: Verdict::Failed, .. } => {
                audit(app, admin, &o, "transaction.status", &reason, json!({"to": "failed", "by": "supplier"})).await?;
                return Ok(());
            }
            Asked::NotProcessing(_) | Asked::NotDue | Asked::NoSuchOrder => {}
        }
    }
    let now = app.clock.now();
    let (admin_id, ip, id, from) = (admin.id, admin.ip.clone(), o.id, o.status);
    let notes = app
        .db
        .write(move |tx| -> ApiResult<Vec<i64>> {
            let event = if to == OrderStatus::Failed {
                Event::AdminFail { admin: admin_id, reason: &reason, forced: force }
            } else {
                Event::AdminSucceed { admin: admin_id, reason: &reason, sn: sn.as_deref() }
            };
            let fx = lifecycle::transition(tx, id, event, now).map_err(move_error)?;
            log_activity(
                tx,
                Some(admin_id),
                "transaction.status",
                Some("transaction"),
                Some(id),
                &reason,
                ip.as_deref(),
                Some(&json!({"from": from.as_str(), "to": to.as_str(), "force": force})),
            )?;
            Ok(fx.notifications)
        })
        .await?;
    notifications::deliver(app, notes);
    Ok(())
}

/// Admin actions that are one event each: refund to the balance, mark refunded outside
/// lapak, resolve the attention flag.
pub enum AdminAction {
    RefundToBalance,
    MarkRefunded { note: String },
    Resolve { note: String },
}

pub async fn admin_act(app: &App, admin: &Admin, code: &str, action: AdminAction) -> ApiResult<i64> {
    let now = app.clock.now();
    let (admin_id, ip, code) = (admin.id, admin.ip.clone(), code.to_string());
    let (id, notes) = app
        .db
        .write(move |tx| -> ApiResult<_> {
            let o = repo::find_by_code(tx, &code)?.ok_or_else(|| ApiError::not_found("transaction"))?;
            let (event, action, refused, note) = match &action {
                AdminAction::RefundToBalance => (
                    Event::AdminRefundToBalance { admin: admin_id },
                    "transaction.refund",
                    "not_refundable",
                    "refunded to balance",
                ),
                AdminAction::MarkRefunded { note } => (
                    Event::AdminMarkRefunded { admin: admin_id, note },
                    "transaction.mark_refunded",
                    "not_refund_required",
                    note.as_str(),
                ),
                AdminAction::Resolve { note } => (
                    Event::AdminResolve { admin: admin_id, note },
                    "transaction.resolve",
                    "no_attention",
                    note.as_str(),
                ),
            };
            let fx = lifecycle::transition(tx, o.id, event, now).map_err(|e| match e {
                MoveError::Illegal(why) => ApiError::conflict(refused, why),
                other => move_error(other),
            })?;
            log_activity(tx, Some(admin_id), action, Some("transaction"), Some(o.id), note, ip.as_deref(), None)?;
            Ok((o.id, fx.notifications))
        })
        .await?;
    notifications::deliver(app, notes);
    Ok(id)
}

async fn audit(app: &App, admin: &Admin, o: &OrderRow, action: &'static str, note: &str, meta: serde_json::Value) -> ApiResult<()> {
    let (admin_id, ip, id, note) = (admin.id, admin.ip.clone(), o.id, note.to_string());
    app.db
        .write(move |tx| -> ApiResult<()> {
            Ok(log_activity(tx, Some(admin_id), action, Some("transaction"), Some(id), &note, ip.as_deref(), Some(&meta))?)
        })
        .await
}
