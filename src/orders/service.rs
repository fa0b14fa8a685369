//! Reading orders (views, ownership, the customer's and the admin's lists and detail)
//! and the admin's actions on one order. Every state change goes through
//! `lifecycle::transition`, and the admin's audit record commits with it.

use serde_json::json;

use super::{
    fulfilment::{self, AdminAsk, Asked, Asker},
    lifecycle::{self, Event, MoveError, Verdict},
    model::{
        AdminOrder, AdminOrderDetail, AdminOrderList, ListOrder, OrderError, OrderFilter, OrderList, OrderSort,
        OrderStats, OrderStatus, OrderView, PaymentView, RefundRequired, TransactionType,
    },
    repo::{self, OrderRow},
};
use crate::{
    app::App,
    audit::{self, Action, Record, Subject},
    auth::model::{Actor, AdminCtx, AuthUser},
    notifications,
    text::{normalize_email, normalize_phone},
    web::pagination::PageRequest,
};

type Result<T, E = OrderError> = std::result::Result<T, E>;

pub fn to_view(o: OrderRow, payment: Option<PaymentView>) -> OrderView {
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
        bill: o.bill,
    }
}

fn admin_order(o: OrderRow, p: Option<PaymentView>) -> AdminOrder {
    AdminOrder {
        id: o.id,
        user_id: o.user_id,
        contact_email: o.contact_email.clone(),
        contact_phone: o.contact_phone.clone(),
        base_price: o.base_price,
        payment_method_type: o.payment_method_type.clone(),
        refund_required: o.refund_required,
        supplier_attempts: o.supplier_attempts,
        payer_user_id: o.payer_user_id,
        attention: o.attention,
        attention_note: o.attention_note.clone(),
        attention_at: o.attention_at.clone(),
        late_paid_at: o.late_paid_at.clone(),
        supplier_price: o.supplier_price,
        supplier_balance: o.supplier_balance,
        inquiry_ref: o.inquiry_ref.clone(),
        order: to_view(o, p),
    }
}

/// A page of the customer's own orders (or deposits), with their payments.
pub async fn list(app: &App, filter: OrderFilter, page: PageRequest) -> Result<OrderList> {
    let (rows, total) = app
        .db
        .read(move |c| Ok::<_, OrderError>(repo::list(c, &filter, ListOrder::Sort(OrderSort::Newest), page.into())?))
        .await?;
    Ok(OrderList { data: rows.into_iter().map(|(o, p)| to_view(o, p)).collect(), meta: page.meta(total) })
}

pub async fn view(app: &App, id: i64) -> Result<OrderView> {
    app.db
        .read(move |c| -> Result<_> {
            let o = repo::find_by_id(c, id)?.ok_or(OrderError::NotFound("transaction"))?;
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
) -> Result<OrderView> {
    app.db
        .read(move |c| -> Result<_> {
            let (o, p) = repo::find_with_payment(c, &code)?.ok_or(OrderError::NotFound("transaction"))?;
            if !owns(&o, user.as_ref(), email.as_deref(), phone.as_deref()) {
                return Err(OrderError::NotFound("transaction"));
            }
            Ok(to_view(o, p))
        })
        .await
}

/// The order created with this Idempotency-Key by this user (H2H orders use
/// `h2h:<user>:<ref_id>`), if any.
pub async fn by_idempotency_key(app: &App, user_id: i64, key: String) -> Result<Option<OrderView>> {
    app.db
        .read(move |c| -> Result<_> {
            Ok(repo::find_by_idempotency_key(c, &key)?.filter(|o| o.user_id == Some(user_id)).map(|o| to_view(o, None)))
        })
        .await
}

/// One of the caller's deposits.
pub async fn deposit(app: &App, user_id: i64, code: String) -> Result<OrderView> {
    app.db
        .read(move |c| -> Result<_> {
            let (o, p) = repo::find_with_payment(c, &code)?
                .filter(|(o, _)| o.user_id == Some(user_id) && o.transaction_type == TransactionType::Topup)
                .ok_or(OrderError::NotFound("deposit"))?;
            Ok(to_view(o, p))
        })
        .await
}

// --- the admin's view -----------------------------------------------------------------------

pub async fn admin_list(app: &App, filter: OrderFilter, order: ListOrder, page: PageRequest) -> Result<AdminOrderList> {
    let (rows, total) = app.db.read(move |c| Ok::<_, OrderError>(repo::list(c, &filter, order, page.into())?)).await?;
    Ok(AdminOrderList { data: rows.into_iter().map(|(o, p)| admin_order(o, p)).collect(), meta: page.meta(total) })
}

pub async fn stats(app: &App, filter: OrderFilter) -> Result<OrderStats> {
    app.db.read(move |c| Ok(repo::stats(c, &filter)?)).await
}

pub async fn refund_required(app: &App) -> Result<Vec<RefundRequired>> {
    app.db.read(|c| Ok(repo::refund_required(c)?)).await
}

/// One order with its payment, every callback, every log line and every supplier answer.
pub async fn detail(app: &App, code: String) -> Result<AdminOrderDetail> {
    app.db
        .read(move |c| -> Result<_> {
            let (o, p) = repo::find_with_payment(c, &code)?.ok_or(OrderError::NotFound("transaction"))?;
            let id = o.id;
            let state = repo::load_state(c, id)?.ok_or(OrderError::NotFound("transaction"))?;
            Ok(AdminOrderDetail {
                actions: lifecycle::admin_moves(&state),
                payer_is_member: state.payer_member,
                logs: repo::logs_of(c, id)?,
                callbacks: repo::callbacks_of(c, id)?,
                supplier_calls: repo::supplier_calls_of(c, id)?,
                order: admin_order(o, p),
            })
        })
        .await
}

async fn order_by_code(app: &App, code: &str) -> Result<OrderRow> {
    let code = code.to_string();
    app.db.read(move |c| repo::find_by_code(c, &code)?.ok_or(OrderError::NotFound("transaction"))).await
}

/// `POST /admin/transactions/{code}/status`: success or failed, along legal moves only.
/// Failing an order that went to the supplier asks the supplier first and refuses while
/// it says pending or success (or its answer says nothing); `force` skips the question.
pub async fn admin_set_status(
    app: &App,
    admin: &AdminCtx,
    code: &str,
    to: OrderStatus,
    reason: String,
    force: bool,
    sn: Option<String>,
) -> Result<()> {
    let o = order_by_code(app, code).await?;
    if !matches!(to, OrderStatus::Failed | OrderStatus::Success) {
        return Err(OrderError::refused(
            "illegal_move",
            format!(
                "an admin sets an order to success or failed; {} is reached another way (refunds: the refund routes)",
                to.as_str()
            ),
        ));
    }
    if to == OrderStatus::Failed && o.status == OrderStatus::Processing && !force && o.supplier_attempts > 0 {
        let refuse = |code: &'static str, message: &str| OrderError::Refused {
            code,
            message: message.into(),
            field: Some("status"),
            retry_after: None,
        };
        // The supplier's confirmation of the failure moves the order; the admin's
        // request is recorded with it.
        let ask = AdminAsk {
            actor: admin.actor(),
            record: Record::new(Action::OrderStatus, Subject::Order(o.id), reason.as_str())
                .with_meta(json!({"to": "failed", "by": "supplier"})),
            when: |v| *v == Verdict::Failed,
        };
        match fulfilment::ask_supplier(app, o.id, Asker::Admin(ask)).await? {
            Asked::Answered { verdict: Verdict::Success, .. } => {
                return Err(refuse(
                    "supplier_success",
                    "the supplier delivered this order (it is now success); it cannot be failed",
                ))
            }
            Asked::Answered { verdict: Verdict::Pending, .. } => {
                return Err(refuse(
                    "supplier_pending",
                    "the supplier still has this order pending; wait for its answer, or force it with a reason",
                ))
            }
            Asked::Answered { verdict: Verdict::Unknown(_), .. } | Asked::TooOld => {
                return Err(refuse(
                    "supplier_unknown",
                    "the supplier's answer says nothing about this order, so it may have been delivered; force it with a reason to fail it anyway",
                ))
            }
            Asked::TooSoon(wait) => {
                return Err(OrderError::Refused {
                    code: "recheck_too_soon",
                    message: format!(
                        "the supplier was asked about this order moments ago; ask again in {wait} s, or force it"
                    ),
                    field: None,
                    retry_after: Some(wait),
                })
            }
            // The supplier confirmed the failure: the order is failed (and refunded) by its answer.
            Asked::Answered { verdict: Verdict::Failed, .. } => return Ok(()),
            Asked::NotProcessing(_) | Asked::NotDue | Asked::NoSuchOrder => {}
        }
    }
    let now = app.clock.now();
    let (actor, admin_id, id, from) = (admin.actor(), admin.id, o.id, o.status);
    app.db
        .write(move |tx| -> Result<()> {
            let event = if to == OrderStatus::Failed {
                Event::AdminFail { admin: admin_id, reason: &reason, forced: force }
            } else {
                Event::AdminSucceed { admin: admin_id, reason: &reason, sn: sn.as_deref() }
            };
            lifecycle::transition(tx, id, event, now)?;
            let rec = Record::new(Action::OrderStatus, Subject::Order(id), reason.as_str())
                .with_meta(json!({"from": from.as_str(), "to": to.as_str(), "force": force}));
            audit::record(tx, &actor, rec)?;
            Ok(())
        })
        .await?;
    notifications::wake(app);
    Ok(())
}

/// Admin actions that are one event each: refund to the balance, mark refunded outside
/// lapak, resolve the attention flag.
pub enum AdminAction {
    RefundToBalance,
    MarkRefunded { note: String },
    Resolve { note: String },
}

pub async fn admin_act(app: &App, admin: &AdminCtx, code: &str, action: AdminAction) -> Result<i64> {
    let now = app.clock.now();
    let (actor, admin_id, code) = (admin.actor(), admin.id, code.to_string());
    let id = app
        .db
        .write(move |tx| -> Result<_> {
            let o = repo::find_by_code(tx, &code)?.ok_or(OrderError::NotFound("transaction"))?;
            let (event, audit_action, refused, note) = match &action {
                AdminAction::RefundToBalance => (
                    Event::AdminRefundToBalance { admin: admin_id },
                    Action::OrderRefund,
                    "not_refundable",
                    "refunded to balance",
                ),
                AdminAction::MarkRefunded { note } => (
                    Event::AdminMarkRefunded { admin: admin_id, note },
                    Action::OrderMarkRefunded,
                    "not_refund_required",
                    note.as_str(),
                ),
                AdminAction::Resolve { note } => {
                    (Event::AdminResolve { admin: admin_id, note }, Action::OrderResolve, "no_attention", note.as_str())
                }
            };
            lifecycle::transition(tx, o.id, event, now).map_err(|e| match e {
                MoveError::Illegal(why) => OrderError::refused(refused, why),
                other => other.into(),
            })?;
            audit::record(tx, &actor, Record::new(audit_action, Subject::Order(o.id), note))?;
            Ok(o.id)
        })
        .await?;
    notifications::wake(app);
    Ok(id)
}

/// An admin's re-check or retry: ask Digiflazz now (same ref_id) and apply the answer;
/// the audit record commits with it.
pub async fn admin_ask(app: &App, actor: Actor, code: &str, action: Action) -> Result<()> {
    let o = order_by_code(app, code).await?;
    let ask = AdminAsk { actor, record: Record::new(action, Subject::Order(o.id), code), when: |_| true };
    match fulfilment::ask_supplier(app, o.id, Asker::Admin(ask)).await? {
        Asked::Answered { .. } | Asked::NotDue | Asked::NoSuchOrder => Ok(()),
        Asked::NotProcessing(s) => Err(OrderError::refused(
            "not_processing",
            format!("only an order in processing is with the supplier; this one is {}", s.as_str()),
        )),
        Asked::TooSoon(wait) => Err(OrderError::Refused {
            code: "recheck_too_soon",
            message: format!("the supplier was asked about this order moments ago; ask again in {wait} s"),
            field: None,
            retry_after: Some(wait),
        }),
        Asked::TooOld => Err(OrderError::refused(
            "too_old",
            "this order is older than 89 days: Digiflazz must not be asked again; settle it by hand",
        )),
    }
}
