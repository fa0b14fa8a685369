//! Fulfilment: asking Digiflazz about a paid order (the first purchase call and every
//! status check re-send the same request with the same ref_id, the transaction code)
//! and turning its answers into `lifecycle` events.
//!
//! - What an answer means ([`verdict`], providers.md §1.4): rc 00 delivers, a pending rc
//!   waits. A failure code decides the first call; after any earlier call for the same
//!   ref_id (a lost answer, a pending), only a failure with "Terbentuk = Ya" decides. A
//!   request-level refusal (rc 45, 41, 42, 44 ...) then leaves the order processing,
//!   backs off and tells the admin; rc 85/83 only mean "ask later". An unknown outcome
//!   is never failed, never refunded.
//! - One lease for every call about an order, whoever asks (the job, a webhook hint,
//!   an admin): never two calls closer than `orders.recheck_min_secs`.
//! - A claimed order is left alone by other runs for a while (`next_check_at`), and
//!   the same ref_id at Digiflazz is a status check, so running twice is safe.

use crate::text::Rupiah;
use chrono::{DateTime, Duration, Utc};

use super::{
    lifecycle::{self, Event, MoveError, Unknown, Verdict},
    model::{Attention, OrderStatus, TransactionType},
    repo,
};
use crate::{
    app::App,
    audit::{self, Action, Record, Subject},
    auth::model::Actor,
    clock::jakarta_date,
    db::{ts, DbError},
    digiflazz::{
        self,
        model::{PascaRequest, SupplierOrder, SupplierStatus, TopupRequest},
    },
    notifications,
};

/// Digiflazz forbids status checks of orders older than 90 days; stop a day earlier.
const MAX_AGE_DAYS: i64 = 89;
/// A claimed order is left alone by other job runs for this long.
const LEASE_SECS: i64 = 120;

/// What an answer means for the order. `first_call`: no earlier call for this ref_id
/// could have reached Digiflazz.
pub fn verdict(a: &SupplierOrder, first_call: bool) -> Verdict {
    match a.status {
        SupplierStatus::Success => Verdict::Success,
        SupplierStatus::Pending => Verdict::Pending,
        SupplierStatus::Unknown => Verdict::Unknown(Unknown::Lost),
        SupplierStatus::Failed => match a.rc.trim() {
            "85" | "83" => Verdict::Unknown(Unknown::Throttled),
            _ if first_call || a.created => Verdict::Failed,
            _ => Verdict::Unknown(Unknown::Refused),
        },
    }
}

/// Who asks the supplier.
#[derive(Debug, Clone)]
pub enum Asker {
    /// The fulfilment job (first purchase and scheduled re-checks).
    Job,
    /// A webhook that could not be verified: only a hint to ask.
    Hint,
    /// An admin's re-check, retry, or the check before failing an order: its audit
    /// record commits with the answer.
    Admin(AdminAsk),
}

/// An admin's question to the supplier, and the audit record of it.
#[derive(Debug, Clone)]
pub struct AdminAsk {
    pub actor: Actor,
    /// Written with the answer (its meta gains `"outcome"`), when `when` holds.
    pub record: Record,
    pub when: fn(&Verdict) -> bool,
}

/// What asking did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Asked {
    NoSuchOrder,
    /// The order is not with the supplier (unpaid, final, or a deposit).
    NotProcessing(OrderStatus),
    /// Asked less than `orders.recheck_min_secs` ago: the next call in this many seconds.
    TooSoon(i64),
    /// The job's check is not due yet, or another run holds the order.
    NotDue,
    /// Too old to check at Digiflazz: left to the admin (on the attention list).
    TooOld,
    /// The supplier answered; `outcome` says what the answer did to the order.
    Answered {
        verdict: Verdict,
        outcome: &'static str,
    },
}

struct Claimed {
    code: String,
    sku: String,
    customer_no: String,
    max_price: Option<i64>,
    attempt: i64,
    bill: Option<BillClaim>,
}

/// A bill payment's inquiry: its ref_id (the one `pay-pasca` sends), its Asia/Jakarta
/// date, and the bill amount as quoted.
struct BillClaim {
    ref_id: String,
    inquired_on: Option<String>,
    bill_amount: Option<i64>,
}

/// Asks Digiflazz about order `id` (buying it on the first call) and applies the answer.
pub async fn ask_supplier(app: &App, id: i64, asker: Asker) -> Result<Asked, DbError> {
    let now = app.clock.now();
    let min_gap = app.config.orders.recheck_min_secs as i64;
    let tolerance = app.config.orders.max_price_tolerance;
    let job = matches!(asker, Asker::Job);
    let admin = match asker {
        Asker::Admin(a) => Some(a),
        _ => None,
    };
    let claim = app.db.write(move |tx| claim(tx, id, job, now, min_gap, tolerance)).await?;
    let c = match claim {
        Ok(c) => c,
        Err(asked) => return Ok(asked),
    };
    let callback_url =
        Some(format!("{}/api/v1/webhooks/digiflazz", app.config.server.public_url.trim_end_matches('/')));
    let started = std::time::Instant::now();
    let answer = match &c.bill {
        None => {
            app.digiflazz
                .topup(&TopupRequest {
                    sku: c.sku.clone(),
                    customer_no: c.customer_no.clone(),
                    ref_id: c.code.clone(),
                    max_price: c.max_price,
                    callback_url,
                })
                .await
        }
        Some(b) => ask_about_bill(app, id, &c, b, callback_url).await?,
    };
    let ms = started.elapsed().as_millis() as i64;
    let first_call = c.attempt == 1;
    let v = verdict(&answer, first_call);
    let max_rechecks = app.config.orders.max_rechecks as i64;
    let attempt = c.attempt;
    let postpaid = c.bill.is_some();
    let now = app.clock.now();
    let (outcome, notes) = app
        .db
        .write(move |tx| -> Result<_, DbError> {
            let kind = if first_call { "topup" } else { "recheck" };
            let command = match (first_call, postpaid) {
                (true, false) => "topup",
                (false, false) => "recheck",
                (true, true) => "pay-pasca",
                (false, true) => "status-pasca",
            };
            let fx = apply(tx, id, &answer, v, kind, now)?;
            audit::upstream(
                tx,
                Action::UpstreamDigiflazz,
                Subject::Order(id),
                serde_json::json!({"ref_id": answer.ref_id, "kind": command, "status": answer.status.as_str(),
                                    "rc": answer.rc, "message": answer.message, "price": answer.price, "ms": ms}),
            )?;
            if let Some(a) = admin.filter(|a| (a.when)(&v)) {
                let mut rec = a.record;
                let mut meta = rec.meta.take().unwrap_or_else(|| serde_json::json!({}));
                meta["outcome"] = fx.outcome.into();
                audit::record(tx, &a.actor, rec.with_meta(meta))?;
            }
            let mut notes = fx.notifications;
            if repo::status_of(tx, id)? == OrderStatus::Processing {
                let next = next_check(v, attempt, min_gap, max_rechecks, now);
                repo::set_next_check(tx, id, next.map(ts).as_deref())?;
                if next.is_none() {
                    let why = format!(
                        "no decisive answer after {attempt} supplier calls; lapak stopped asking: waiting for the webhook or an admin"
                    );
                    let more = lifecycle::transition(tx, id, Event::ChecksExhausted { why: &why }, now)
                        .map_err(move_db)?;
                    notes.extend(more.notifications);
                }
            }
            Ok((fx.outcome, notes))
        })
        .await?;
    if !notes.is_empty() {
        notifications::wake(app);
    }
    tracing::info!(order = %c.code, attempt, outcome, "supplier answer applied");
    Ok(Asked::Answered { verdict: v, outcome })
}

/// Takes the order for one supplier call, or says why not.
fn claim(
    tx: &rusqlite::Connection,
    id: i64,
    job: bool,
    now: DateTime<Utc>,
    min_gap: i64,
    tolerance: i64,
) -> Result<Result<Claimed, Asked>, DbError> {
    let Some(row) = repo::claim_row(tx, id)? else {
        return Ok(Err(Asked::NoSuchOrder));
    };
    if row.status != OrderStatus::Processing || row.kind != TransactionType::Purchase {
        return Ok(Err(Asked::NotProcessing(row.status)));
    }
    let now_s = ts(now);
    if let Some(allowed) = row.last_call.as_deref().and_then(parse_ts).map(|t| t + Duration::seconds(min_gap)) {
        if allowed > now {
            if job {
                repo::defer_check(tx, id, &ts(allowed))?;
                return Ok(Err(Asked::NotDue));
            }
            let wait = (allowed - now).num_milliseconds();
            return Ok(Err(Asked::TooSoon((wait + 999) / 1000)));
        }
    }
    if job && row.next_check.as_deref().is_some_and(|n| n > now_s.as_str()) {
        return Ok(Err(Asked::NotDue));
    }
    if row.created_at < ts(now - Duration::days(MAX_AGE_DAYS)) {
        repo::set_next_check(tx, id, None)?;
        if row.attention != Some(Attention::ChecksExhausted) {
            let why = "older than 89 days: Digiflazz must not be asked again (it would make a new transaction); check it by hand";
            lifecycle::transition(tx, id, Event::ChecksExhausted { why }, now).map_err(move_db)?;
        }
        return Ok(Err(Asked::TooOld));
    }
    repo::take_lease(tx, id, &ts(now + Duration::seconds(LEASE_SECS)), &now_s)?;
    let max_price = (row.base_price > 0).then(|| row.base_price.saturating_add(tolerance));
    let bill =
        row.inquiry_ref.map(|ref_id| BillClaim { ref_id, inquired_on: row.inquired_on, bill_amount: row.bill_amount });
    Ok(Ok(Claimed {
        code: row.code,
        sku: row.sku,
        customer_no: row.customer_no,
        max_price,
        attempt: row.attempts + 1,
        bill,
    }))
}

/// Pays a bill (the first call) or asks where its payment stands (`status-pasca`, every
/// later call), under the inquiry's ref_id.
///
/// Digiflazz pays a bill only on its inquiry's date. When that day passed before the
/// order was paid, no payment was ever sent for the old ref_id, so lapak asks for the
/// bill again under a new one: the same amount is paid under the new ref_id; a changed
/// amount, or no answer, is not paid and the order fails (refunded as any failed order).
async fn ask_about_bill(
    app: &App,
    id: i64,
    c: &Claimed,
    b: &BillClaim,
    callback_url: Option<String>,
) -> Result<SupplierOrder, DbError> {
    let mut asked =
        PascaRequest { sku: c.sku.clone(), customer_no: c.customer_no.clone(), ref_id: b.ref_id.clone(), callback_url };
    if c.attempt > 1 {
        return Ok(app.digiflazz.status_pasca(&asked).await);
    }
    let today = jakarta_date(app.clock.now()).format("%Y-%m-%d").to_string();
    if b.inquired_on.as_deref() != Some(today.as_str()) {
        let fresh = crate::text::random_code("INQ");
        let again = PascaRequest { ref_id: fresh.clone(), callback_url: None, ..asked.clone() };
        let quoted = b.bill_amount.unwrap_or(-1);
        let not_paid = |why: String| {
            let mut o = SupplierOrder::unknown(&b.ref_id, why);
            o.status = SupplierStatus::Failed;
            o
        };
        let bill = match app.digiflazz.inquiry_pasca(&again).await {
            Ok(bill) => bill,
            Err(e) => {
                return Ok(not_paid(format!(
                    "the bill's quote expired with its day and asking for it again failed ({e}); not paid"
                )))
            }
        };
        let (old, new, amount) = (b.ref_id.clone(), fresh.clone(), bill.bill_amount);
        let changed = amount != quoted;
        let on = today.clone();
        app.db
            .write(move |tx| -> Result<(), DbError> {
                if !changed {
                    repo::reinquired(tx, id, &new, &on)?;
                }
                audit::upstream(
                    tx,
                    Action::UpstreamDigiflazz,
                    Subject::Order(id),
                    serde_json::json!({"kind": "inq-pasca", "reason": "quote expired with its day",
                                        "old_ref_id": old, "ref_id": new, "bill_amount": amount,
                                        "quoted": quoted}),
                )?;
                Ok(())
            })
            .await?;
        if changed {
            return Ok(not_paid(format!(
                "the bill changed from {} to {} after its quote expired; not paid",
                Rupiah(quoted),
                Rupiah(amount)
            )));
        }
        asked.ref_id = fresh;
    }
    Ok(app.digiflazz.pay_pasca(&asked).await)
}

/// When to ask again while the order stays processing; None: stop asking.
fn next_check(v: Verdict, attempt: i64, min_gap: i64, max_rechecks: i64, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    if attempt > max_rechecks {
        return None;
    }
    let base = min_gap.max(1);
    let gap = match v {
        // Every minimum gap for the first ten checks, then every 5, then every 30 gaps.
        Verdict::Pending if attempt <= 10 => base,
        Verdict::Pending if attempt <= 30 => base * 5,
        Verdict::Pending => base * 30,
        // Rate limited: Digiflazz asks for a minute.
        Verdict::Unknown(Unknown::Throttled) => base.max(60),
        // Exponential backoff from the minimum gap, capped at 30 minutes.
        _ => (base << (attempt - 1).clamp(0, 10)).min(1800),
    };
    Some(now + Duration::seconds(gap))
}

/// Applies one answer to the order it names, in `tx`.
fn apply(
    tx: &rusqlite::Connection,
    id: i64,
    answer: &SupplierOrder,
    v: Verdict,
    kind: &str,
    now: DateTime<Utc>,
) -> Result<lifecycle::Effects, DbError> {
    lifecycle::transition(tx, id, Event::Supplier { answer, verdict: v, kind }, now).map_err(move_db)
}

fn move_db(e: MoveError) -> DbError {
    match e {
        MoveError::Db(d) => d,
        other => DbError::Other(other.to_string()),
    }
}

fn parse_ts(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s).ok().map(|d| d.with_timezone(&Utc))
}

/// The order Digiflazz knows by `ref_id` (its code, or a bill's inquiry ref_id).
fn order_id(c: &rusqlite::Connection, ref_id: &str) -> Result<Option<i64>, DbError> {
    Ok(repo::id_by_ref(c, ref_id)?)
}

/// A webhook whose signature was verified: the supplier's word about one order. It is
/// never a first call, so only a decisive answer moves the order. Returns what it did.
pub async fn on_verified_webhook(app: &App, answer: SupplierOrder) -> Result<&'static str, DbError> {
    let now = app.clock.now();
    let (outcome, notes) = app
        .db
        .write(move |tx| -> Result<_, DbError> {
            let Some(id) = order_id(tx, &answer.ref_id)? else {
                return Ok(("unknown_ref", vec![]));
            };
            let v = verdict(&answer, false);
            let fx = apply(tx, id, &answer, v, "webhook", now)?;
            Ok((fx.outcome, fx.notifications))
        })
        .await?;
    if !notes.is_empty() {
        notifications::wake(app);
    }
    Ok(outcome)
}

/// A webhook lapak cannot verify (no secret configured): anyone could have sent it, so
/// it is only a hint to ask Digiflazz, within the order's lease.
pub async fn on_hint(app: &App, ref_id: &str) -> Result<String, DbError> {
    let code = ref_id.to_string();
    let Some(id) = app.db.read(move |c| order_id(c, &code)).await? else {
        return Ok("unknown_ref".into());
    };
    Ok(match ask_supplier(app, id, Asker::Hint).await? {
        Asked::Answered { outcome, .. } => format!("rechecked:{outcome}"),
        Asked::TooSoon(wait) => format!("hint ignored: asked recently, next check allowed in {wait} s"),
        Asked::NotProcessing(s) => format!("hint ignored: the order is {}", s.as_str()),
        other => format!("hint ignored: {other:?}"),
    })
}

/// The order's id by code, for callers above.
pub async fn id_of(app: &App, code: &str) -> Result<Option<i64>, DbError> {
    let code = code.to_string();
    app.db.read(move |c| order_id(c, &code)).await
}

// --- the Digiflazz webhook -------------------------------------------------------------

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
    let raw =
        if forged { crate::web::raw::bounded_prefix(&d.body) } else { String::from_utf8_lossy(&d.body).into_owned() };
    let (ref_id, status, rc) = match &parsed {
        Ok(Some(o)) => (Some(o.ref_id.clone()), Some(o.status_text.clone()), Some(o.rc.clone())),
        _ => (None, None, None),
    };

    // Store first, whatever happens next.
    let row = {
        let (raw, ref_id, status, rc) = (raw.clone(), ref_id.clone(), status.clone(), rc.clone());
        let (event, delivery_id, ua, sig, ip) = (d.event, d.delivery_id, d.user_agent, d.signature, d.ip);
        app.db
            .write(move |tx| {
                Ok::<_, DbError>(repo::insert_webhook(
                    tx,
                    event.as_deref(),
                    delivery_id.as_deref(),
                    ua.as_deref(),
                    sig.as_deref(),
                    verified,
                    &raw,
                    ref_id.as_deref(),
                    status.as_deref(),
                    rc.as_deref(),
                    ip.as_deref(),
                )?)
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
            Ok(Some(order)) if verified => WebhookResult::Done(on_verified_webhook(app, order).await?.into()),
            // No secret configured: anyone could have sent this. Ask Digiflazz instead,
            // within the order's lease (orders.recheck_min_secs).
            Ok(Some(order)) => WebhookResult::Done(on_hint(app, &order.ref_id).await?),
        }
    };
    let outcome = match &result {
        WebhookResult::Done(s) => s.clone(),
        WebhookResult::Rejected => "invalid_signature".into(),
        WebhookResult::TooMany(_) => "rate_limited".into(),
        WebhookResult::Unreadable => "unreadable".into(),
    };
    app.db.write(move |tx| Ok::<_, DbError>(repo::finish_webhook(tx, row, &outcome)?)).await?;
    Ok(result)
}

/// Deletes stored webhooks received before `cutoff`; returns how many.
pub fn prune_webhooks(c: &rusqlite::Connection, cutoff: &str) -> Result<usize, DbError> {
    Ok(repo::prune_webhooks(c, cutoff)?)
}

/// A processing order becomes due for a check now, in the caller's transaction.
pub fn make_due(tx: &rusqlite::Connection, id: i64) -> Result<(), DbError> {
    Ok(repo::make_due(tx, id)?)
}

/// At start-up: every processing order becomes due now (a status check with its ref_id).
pub async fn release_leases(app: &App) -> Result<usize, DbError> {
    let now = app.clock.now_str();
    app.db.write(move |tx| Ok(repo::release_leases(tx, &now)?)).await
}

/// Orders whose re-check is due, and paid orders that never got a job (a lost queue
/// entry): (id, code), at most 500.
pub async fn due_checks(app: &App) -> Result<Vec<(i64, String)>, DbError> {
    let now = app.clock.now();
    let (now_s, stale) = (ts(now), ts(now - Duration::seconds(LEASE_SECS)));
    app.db.read(move |c| Ok(repo::due_checks(c, &now_s, &stale, 500)?)).await
}

/// Paid orders waiting in the fulfilment outbox: (outbox id, order id, code).
pub async fn outbox_pending(app: &App) -> Result<Vec<(i64, i64, String)>, DbError> {
    app.db.read(|c| Ok(repo::outbox_pending(c, 100)?)).await
}

/// The outbox row went to the job queue.
pub async fn mark_dispatched(app: &App, outbox_id: i64) -> Result<(), DbError> {
    let now = app.clock.now_str();
    app.db.write(move |tx| Ok(repo::mark_dispatched(tx, outbox_id, &now)?)).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::digiflazz::wire::TransactionData;
    use crate::digiflazz::{classify, to_order};

    fn answer(rc: &str) -> SupplierOrder {
        let status = match classify(rc).0 {
            SupplierStatus::Success => "Sukses",
            SupplierStatus::Pending => "Pending",
            _ => "Gagal",
        };
        to_order(TransactionData { rc: rc.into(), status: status.into(), ..Default::default() }, None)
    }

    #[test]
    fn after_an_earlier_call_only_the_transactions_own_codes_decide() {
        // (rc, first call, later call)
        let table = [
            ("00", Verdict::Success, Verdict::Success),
            ("03", Verdict::Pending, Verdict::Pending),
            ("99", Verdict::Pending, Verdict::Pending),
            ("02", Verdict::Failed, Verdict::Failed),
            ("01", Verdict::Failed, Verdict::Failed),
            ("54", Verdict::Failed, Verdict::Failed),
            ("74", Verdict::Failed, Verdict::Failed),
            ("45", Verdict::Failed, Verdict::Unknown(Unknown::Refused)),
            ("41", Verdict::Failed, Verdict::Unknown(Unknown::Refused)),
            ("42", Verdict::Failed, Verdict::Unknown(Unknown::Refused)),
            ("44", Verdict::Failed, Verdict::Unknown(Unknown::Refused)),
            ("49", Verdict::Failed, Verdict::Unknown(Unknown::Refused)),
            ("69", Verdict::Failed, Verdict::Unknown(Unknown::Refused)),
            ("88", Verdict::Failed, Verdict::Unknown(Unknown::Refused)),
            ("85", Verdict::Unknown(Unknown::Throttled), Verdict::Unknown(Unknown::Throttled)),
            ("83", Verdict::Unknown(Unknown::Throttled), Verdict::Unknown(Unknown::Throttled)),
        ];
        for (rc, first, later) in table {
            assert_eq!(verdict(&answer(rc), true), first, "rc {rc}, first call");
            assert_eq!(verdict(&answer(rc), false), later, "rc {rc}, later call");
        }
        let lost = SupplierOrder::unknown("x", "timeout");
        assert_eq!(verdict(&lost, true), Verdict::Unknown(Unknown::Lost));
        assert_eq!(verdict(&lost, false), Verdict::Unknown(Unknown::Lost));
    }

    #[test]
    fn checks_back_off_and_stop() {
        let now = Utc::now();
        let gap = |v, attempt| next_check(v, attempt, 60, 100, now).map(|t| (t - now).num_seconds());
        assert_eq!(gap(Verdict::Pending, 1), Some(60));
        assert_eq!(gap(Verdict::Pending, 11), Some(300));
        assert_eq!(gap(Verdict::Pending, 31), Some(1800));
        assert_eq!(gap(Verdict::Unknown(Unknown::Lost), 1), Some(60));
        assert_eq!(gap(Verdict::Unknown(Unknown::Lost), 3), Some(240));
        assert_eq!(gap(Verdict::Unknown(Unknown::Refused), 20), Some(1800));
        assert_eq!(gap(Verdict::Unknown(Unknown::Throttled), 1), Some(60));
        assert_eq!(gap(Verdict::Pending, 101), None);
        // A zero gap (tests) still waits a second.
        assert_eq!(next_check(Verdict::Pending, 1, 0, 100, now).map(|t| (t - now).num_seconds()), Some(1));
    }
}
