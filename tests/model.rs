//! The randomized model test of the order lifecycle (issue 10).
//!
//! Each sequence makes one to three orders (guest, retail member, reseller; QRIS, VA or
//! BALANCE; deposits; a voucher with a quota of one) and throws random events at them
//! through the real app and its fake upstreams: payments, expiries, failures and refunds
//! from Tripay (replayed and out of order), the payment deadline, cancels (by the owner
//! and by strangers), fulfilment runs whose answers the Digiflazz simulator scripts
//! (success, failure, pending, lost answers, request-level refusals, rate limits, a
//! dearer seller), late supplier answers and webhook replays, admin overrides (forced
//! or not), refunds, resolutions, time passing, and restarts. After every sequence the
//! money invariants are checked against the database and the simulator's truth.
//!
//! `LAPAK_MODEL_SEQUENCES` (default 500) sets how many; `LAPAK_MODEL_LONG=1` runs
//! 20,000; `LAPAK_MODEL_SEED` replays a run; `LAPAK_MODEL_ONLY=n` runs sequence n alone.
//! The seed is printed at the start and in every failure.

use crate::common;

use common::TestApp;
use figment::providers::Serialized;
use lapak::digiflazz::simulator::{Outcome, Plan, Reply};
use rand::{rngs::StdRng, seq::SliceRandom, Rng, SeedableRng};
use reqwest::StatusCode;
use serde_json::json;

struct Member {
    token: String,
}

#[derive(Debug)]
struct Order {
    code: String,
    /// Index into the members, or None for a guest.
    member: Option<usize>,
    guest_email: String,
    reference: Option<String>,
    /// An admin failed it with `force` while the supplier might have had it.
    forced: bool,
    /// After that, lapak was told the supplier's final word (webhook or re-check).
    told_after_force: bool,
    /// An admin set it to success by hand.
    admin_succeeded: bool,
    /// Tripay refunded the payment before lapak returned any money.
    gateway_refunded_first: bool,
}

struct World {
    t: TestApp,
    admin: String,
    members: Vec<Member>,
    items: Vec<i64>,
    seed: u64,
    seq: u64,
    /// What happened in this sequence (printed on failure).
    trail: Vec<String>,
    /// Supplier ref_ids already checked.
    seen_refs: std::sync::Mutex<std::collections::HashSet<String>>,
}

impl World {
    fn fail(&self, what: String) -> ! {
        panic!(
            "{what}\n  seed {} sequence {} (replay: LAPAK_MODEL_SEED={} LAPAK_MODEL_ONLY={})\n  events:\n    {}",
            self.seed,
            self.seq,
            self.seed,
            self.seq,
            self.trail.join("\n    ")
        )
    }

    fn note(&mut self, s: String) {
        self.trail.push(s);
    }

    /// An HTTP answer a client caused must never be a 5xx.
    fn sane(&self, what: &str, r: &common::Resp) {
        if r.status.is_server_error() {
            self.fail(format!("{what}: {} {}", r.status, r.body));
        }
    }
}

/// The admin moves the order view offers now (`AdminOrderDetail.actions`).
async fn offered(w: &World, code: &str) -> Vec<String> {
    let r = w.t.get(&format!("/api/v1/admin/transactions/{code}"), Some(&w.admin)).await;
    if r.status != StatusCode::OK {
        w.fail(format!("the admin cannot read {code}: {} {}", r.status, r.body));
    }
    r.body["actions"].as_array().into_iter().flatten().filter_map(|a| a.as_str().map(String::from)).collect()
}

/// The console shows exactly the offered moves, so an offered move must work and an
/// unoffered one must be refused. `exact`: a refusal of an offered move is a fault too
/// (moves that ask the supplier first may be refused by its answer, so not for them).
async fn check_offer(w: &World, code: &str, mv: &str, before: &[String], r: &common::Resp, exact: bool) {
    let was = before.iter().any(|m| m == mv);
    if r.status.is_success() && !was {
        w.fail(format!("{mv} on {code} was accepted but the order view did not offer it (offered {before:?})"));
    }
    if exact && !r.status.is_success() && was {
        let now = offered(w, code).await;
        if now.iter().any(|m| m == mv) {
            w.fail(format!("{mv} on {code} is offered (before and after) but refused: {} {}", r.status, r.body));
        }
    }
}

fn env_u64(key: &str) -> Option<u64> {
    std::env::var(key).ok().and_then(|v| v.trim().parse().ok())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn random_event_sequences_keep_the_money_invariants() {
    let seed = env_u64("LAPAK_MODEL_SEED").unwrap_or_else(|| rand::random::<u32>() as u64);
    let long = std::env::var("LAPAK_MODEL_LONG").is_ok_and(|v| v == "1");
    let count = env_u64("LAPAK_MODEL_SEQUENCES").unwrap_or(if long { 20_000 } else { 500 });
    let only = env_u64("LAPAK_MODEL_ONLY");
    eprintln!("model test: seed {seed}, {count} sequences (replay with LAPAK_MODEL_SEED={seed})");

    let t = TestApp::spawn_manual(|f| {
        f.merge(Serialized::default("orders.recheck_min_secs", 60))
            .merge(Serialized::default("orders.max_price_tolerance", 100))
            .merge(Serialized::default("orders.max_rechecks", 6))
            .merge(Serialized::default("schedule.expire_unpaid", ""))
            .merge(Serialized::default("schedule.recheck_supplier", ""))
            // Each sequence moves the clock on by up to hours; a long run passes the
            // 30-day token lifetime, and the members' tokens are made once.
            .merge(Serialized::default("auth.token_ttl_hours", 24 * 365 * 20))
    })
    .await;
    let admin = t.admin().await;
    t.sync(&admin).await;
    let items = vec![t.item_id("xld10").await, t.item_id("xld25").await];
    let mut members = Vec::new();
    for (i, reseller) in [(0, false), (1, false), (2, true)] {
        let (token, id) = t.register(&format!("model{i}@example.com"), &format!("08127777000{i}")).await;
        if reseller {
            t.make_reseller(&admin, id).await;
        }
        t.fund(&admin, id, 2_000_000).await;
        members.push(Member { token });
    }
    let mut w = World { t, admin, members, items, seed, seq: 0, trail: Vec::new(), seen_refs: Default::default() };
    let range = match only {
        Some(n) => n..n + 1,
        None => 0..count,
    };
    let mut restarts = 0;
    let mut all = Vec::new();
    for n in range {
        w.seq = n;
        w.trail.clear();
        let mut rng = StdRng::seed_from_u64(seed ^ n.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let orders = make_orders(&mut w, &mut rng, n).await;
        let events = rng.gen_range(6..20);
        let mut orders = orders;
        for _ in 0..events {
            if orders.is_empty() {
                break;
            }
            // A restart now and then (a few per run).
            if rng.gen_ratio(1, 120) {
                w.note("restart".into());
                w.t.restart().await;
                restarts += 1;
                continue;
            }
            let i = rng.gen_range(0..orders.len());
            event(&mut w, &mut rng, &mut orders[i]).await;
        }
        check(&w, &orders).await;
        all.extend(orders);
    }
    // Later events (a deadline passing) can still move earlier orders: check them all.
    w.trail = vec!["(the final check of every order)".into()];
    for o in &all {
        let sent = w.seen_refs.lock().unwrap().contains(&o.code);
        check_order(&w, o, sent).await;
    }
    if let Some(problem) = w.t.log_problem().await {
        w.fail(format!("order logs: {problem}"));
    }
    let summary = w
        .t
        .app
        .db
        .read(|c| {
            let mut s = c.prepare(
                "SELECT transaction_type || ' ' || status || '/' || payment_status
                        || CASE WHEN late_paid_at IS NOT NULL THEN ' late' ELSE '' END
                        || CASE WHEN refund_required = 1 THEN ' refund-list' ELSE '' END
                        || COALESCE(' attention:' || attention, ''), COUNT(*)
                 FROM transactions GROUP BY 1 ORDER BY 2 DESC",
            )?;
            let rows = s.query_map([], |r| Ok(format!("{:>5}  {}", r.get::<_, i64>(1)?, r.get::<_, String>(0)?)))?;
            rows.collect::<Result<Vec<_>, _>>().map_err(lapak::db::DbError::from)
        })
        .await
        .unwrap();
    eprintln!("model test: done, {restarts} restarts; orders by end state:\n{}", summary.join("\n"));
}

async fn make_orders(w: &mut World, rng: &mut StdRng, n: u64) -> Vec<Order> {
    let voucher = rng.gen_bool(0.4).then(|| format!("MODEL{n}"));
    if let Some(code) = &voucher {
        let r =
            w.t.post(
                "/api/v1/admin/vouchers",
                Some(&w.admin),
                json!({"code": code, "name": "Model", "type": "fixed", "value": 500, "usage_limit": 1}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    }
    let mut out = Vec::new();
    for _ in 0..rng.gen_range(1..=3) {
        let member = rng.gen_bool(0.6).then(|| rng.gen_range(0..w.members.len()));
        let guest_email = format!("guest{}@example.com", rng.gen_range(0..5));
        let deposit = member.is_some() && rng.gen_ratio(1, 6);
        let method = if deposit {
            *["QRIS", "BRIVA"].choose(rng).unwrap()
        } else if member.is_some() && rng.gen_bool(0.35) {
            "BALANCE"
        } else {
            *["QRIS", "BRIVA", "QRIS"].choose(rng).unwrap()
        };
        let token = member.map(|m| w.members[m].token.clone());
        let r = if deposit {
            let amount = rng.gen_range(1..=5) * 10_000;
            w.t.post("/api/v1/deposits", token.as_deref(), json!({"amount": amount, "payment_method": method})).await
        } else {
            let item = *w.items.choose(rng).unwrap();
            let phone = format!("0878{:08}", rng.gen_range(0..100_000_000u32));
            let mut body =
                json!({"product_item_id": item, "customer_data": {"phone": phone}, "payment_method": method});
            if member.is_none() {
                body["customer_name"] = json!("Tamu");
                body["customer_email"] = json!(guest_email);
            }
            if let Some(v) = voucher.as_ref().filter(|_| rng.gen_bool(0.6)) {
                body["voucher_code"] = json!(v);
            }
            w.t.post("/api/v1/transactions", token.as_deref(), body).await
        };
        w.sane("checkout", &r);
        if r.status != StatusCode::CREATED {
            // A voucher used up, a balance too small: refused cleanly, nothing written.
            w.note(format!("checkout refused: {} {}", r.status, r.body["code"]));
            continue;
        }
        let code = r.body["transaction_code"].as_str().unwrap().to_string();
        let reference = r.body["payment"]["reference"].as_str().map(str::to_string);
        if !deposit {
            w.t.digiflazz.handle.plan(&code, random_plan(rng));
        }
        w.note(format!(
            "checkout {code}: {} {} by {}",
            if deposit { "deposit" } else { "purchase" },
            method,
            member.map(|m| format!("member {m}")).unwrap_or_else(|| guest_email.clone())
        ));
        out.push(Order {
            code,
            member,
            guest_email,
            reference,
            forced: false,
            told_after_force: false,
            admin_succeeded: false,
            gateway_refunded_first: false,
        });
    }
    out
}

/// How the supplier will treat an order: its final word, whether it starts pending, a
/// few odd replies first, and sometimes a dearer price.
fn random_plan(rng: &mut StdRng) -> Plan {
    let outcome = match rng.gen_range(0..10) {
        0..=5 => Outcome::Deliver,
        6..=8 => Outcome::Fail("02".into()),
        _ => Outcome::Fail("54".into()),
    };
    let mut plan = Plan::new(outcome);
    if rng.gen_bool(0.4) {
        plan = plan.pending();
    }
    let replies: Vec<Reply> = (0..rng.gen_range(0..3))
        .map(|_| match rng.gen_range(0..6) {
            0 | 1 => Reply::Lost,
            2 => Reply::Refuse("45".into()),
            3 => Reply::Refuse("41".into()),
            4 => Reply::Refuse("85".into()),
            _ => Reply::State,
        })
        .collect();
    plan = plan.replies(replies);
    match rng.gen_range(0..12) {
        0 => plan.price(10_050), // within the tolerance: charged more, flagged
        1 => plan.price(10_500), // above max_price: refused (rc 69)
        _ => plan,
    }
}

async fn order_id(w: &World, code: &str) -> i64 {
    w.t.count(&format!("SELECT id FROM transactions WHERE transaction_code = '{code}'")).await
}

async fn event(w: &mut World, rng: &mut StdRng, o: &mut Order) {
    let code = o.code.clone();
    let admin = w.admin.clone();
    // Weights: payments first, then mostly the supplier's side.
    let roll = rng.gen_range(0..100);
    match roll {
        // Tripay: PAID (often), EXPIRED, FAILED, REFUND, in any order, replayed.
        0..=21 => tripay(w, o, "PAID").await,
        22..=23 => tripay(w, o, "EXPIRED").await,
        24 => tripay(w, o, "FAILED").await,
        25..=26 => tripay(w, o, "REFUND").await,
        // The payment deadline passes.
        27..=28 => {
            w.t.app.clock.advance(chrono::Duration::minutes(61));
            let n = lapak::orders::payment::expire_due(&w.t.app).await.unwrap();
            w.note(format!("deadline passed: {n} expired"));
        }
        // Time passes, and the fulfilment job runs for this order.
        29..=52 => {
            w.t.app.clock.advance(chrono::Duration::seconds(rng.gen_range(30..400)));
            let id = order_id(w, &code).await;
            let asked = lapak::orders::fulfilment::ask_supplier(&w.t.app, id, lapak::orders::fulfilment::Asker::Job)
                .await
                .unwrap_or_else(|e| w.fail(format!("job for {code}: {e}")));
            if o.forced && matches!(asked, lapak::orders::fulfilment::Asked::Answered { .. }) {
                o.told_after_force = true;
            }
            w.note(format!("job {code}: {asked:?}"));
        }
        // The supplier decides a pending transaction, with or without its webhook.
        53..=62 => {
            let hook = rng.gen_bool(0.7);
            let r = w.t.digiflazz.handle.resolve(&code, hook).await;
            // Decided without a webhook: whatever lapak heard before (a pending state)
            // is stale; it knows the outcome only once it hears of it again.
            if o.forced && r == Some(0) {
                o.told_after_force = false;
            }
            if let Some(s) = r.filter(|s| *s != 0) {
                if s >= 500 {
                    w.fail(format!("webhook for {code}: {s}"));
                }
                if o.forced {
                    o.told_after_force = true;
                }
            }
            w.note(format!("supplier resolves {code} (webhook {hook}): {r:?}"));
        }
        // A webhook replay of the current state.
        63..=66 => {
            let r = w.t.digiflazz.handle.send_webhook(&code).await;
            if r.is_some_and(|s| s >= 500) {
                w.fail(format!("webhook replay for {code}: {r:?}"));
            }
            if o.forced && r.is_some() {
                o.told_after_force = true;
            }
            w.note(format!("webhook replay {code}: {r:?}"));
        }
        // The owner cancels; a stranger tries.
        67..=69 => {
            let r = match o.member {
                Some(m) => {
                    let token = w.members[m].token.clone();
                    w.t.post(&format!("/api/v1/transactions/{code}/cancel"), Some(&token), json!({})).await
                }
                None => {
                    let proof = json!({"email": o.guest_email});
                    w.t.post(&format!("/api/v1/transactions/{code}/cancel"), None, proof).await
                }
            };
            w.sane("cancel", &r);
            w.note(format!("owner cancels {code}: {}", r.status));
        }
        70 => {
            let r =
                w.t.post(&format!("/api/v1/transactions/{code}/cancel"), None, json!({"email": "x@example.com"})).await;
            if r.status != StatusCode::NOT_FOUND {
                w.fail(format!("a stranger's cancel of {code}: {} {}", r.status, r.body));
            }
            let r = w.t.get(&format!("/api/v1/transactions/{code}?email=x@example.com"), None).await;
            if r.status != StatusCode::NOT_FOUND {
                w.fail(format!("a stranger reads {code}: {}", r.status));
            }
        }
        // Admin overrides.
        71..=79 => {
            let force = rng.gen_bool(0.4);
            let before = w.t.order_text(&code, "status").await;
            let offer = offered(w, &code).await;
            let r =
                w.t.post(
                    &format!("/api/v1/admin/transactions/{code}/status"),
                    Some(&admin),
                    json!({"status": "failed", "reason": "model: admin fails it", "force": force}),
                )
                .await;
            w.sane("admin fail", &r);
            check_offer(w, &code, "fail", &offer, &r, force).await;
            if r.status == StatusCode::OK && force && before.as_deref() == Some("processing") {
                o.forced = true;
                o.told_after_force = false;
            }
            w.note(format!("admin fails {code} (force {force}): {} {}", r.status, r.body["code"]));
        }
        80..=81 => {
            let offer = offered(w, &code).await;
            let r =
                w.t.post(
                    &format!("/api/v1/admin/transactions/{code}/status"),
                    Some(&admin),
                    json!({"status": "success", "reason": "model: delivered by hand", "sn": "HAND-1"}),
                )
                .await;
            w.sane("admin success", &r);
            check_offer(w, &code, "succeed", &offer, &r, true).await;
            if r.status == StatusCode::OK {
                o.admin_succeeded = true;
            }
            w.note(format!("admin succeeds {code}: {}", r.status));
        }
        82..=84 => {
            let offer = offered(w, &code).await;
            let r = w.t.post(&format!("/api/v1/admin/transactions/{code}/recheck"), Some(&admin), json!({})).await;
            w.sane("admin recheck", &r);
            check_offer(w, &code, "recheck", &offer, &r, false).await;
            if o.forced && r.status == StatusCode::OK {
                o.told_after_force = true;
            }
            w.note(format!("admin rechecks {code}: {} {}", r.status, r.body["code"]));
        }
        85..=87 => {
            let offer = offered(w, &code).await;
            let r = w.t.post(&format!("/api/v1/admin/transactions/{code}/refund"), Some(&admin), json!({})).await;
            w.sane("admin refund", &r);
            check_offer(w, &code, "refund_to_balance", &offer, &r, true).await;
            w.note(format!("admin refunds {code} to the balance: {}", r.status));
        }
        88..=91 => {
            let offer = offered(w, &code).await;
            let r =
                w.t.post(
                    &format!("/api/v1/admin/transactions/{code}/mark-refunded"),
                    Some(&admin),
                    json!({"note": "bank"}),
                )
                .await;
            w.sane("mark refunded", &r);
            check_offer(w, &code, "mark_refunded", &offer, &r, true).await;
            w.note(format!("admin marks {code} refunded: {}", r.status));
        }
        92..=94 => {
            let offer = offered(w, &code).await;
            let r =
                w.t.post(
                    &format!("/api/v1/admin/transactions/{code}/resolve"),
                    Some(&admin),
                    json!({"note": "looked at it"}),
                )
                .await;
            w.sane("resolve", &r);
            check_offer(w, &code, "resolve", &offer, &r, true).await;
            w.note(format!("admin resolves {code}: {}", r.status));
        }
        // The owner looks at the order.
        _ => {
            let r = match o.member {
                Some(m) => {
                    let token = w.members[m].token.clone();
                    w.t.get(&format!("/api/v1/transactions/{code}"), Some(&token)).await
                }
                None => w.t.get(&format!("/api/v1/transactions/{code}?email={}", o.guest_email), None).await,
            };
            if r.status != StatusCode::OK {
                w.fail(format!("the owner cannot read {code}: {} {}", r.status, r.body));
            }
        }
    }
}

async fn tripay(w: &mut World, o: &mut Order, status: &str) {
    let Some(reference) = o.reference.clone() else { return };
    if status == "REFUND" && !o.gateway_refunded_first {
        let paid = w.t.order_text(&o.code, "payment_status").await.as_deref() == Some("paid");
        let returned = !moves(w, &o.code).await.iter().any(|(k, _)| k == "refund");
        let closed = matches!(w.t.order_text(&o.code, "status").await.as_deref(), Some("refunded"));
        o.gateway_refunded_first = paid && returned && !closed;
    }
    let s = w.t.tripay.sim.post_status(&reference, status).await.unwrap_or_else(|e| w.fail(format!("callback: {e}")));
    if s != 200 {
        w.fail(format!("Tripay {status} for {} answered {s}", o.code));
    }
    w.note(format!("tripay {status} {}", o.code));
}

/// One order as the database holds it.
#[derive(Debug)]
struct Row {
    status: String,
    payment: String,
    kind: String,
    method_type: String,
    total: i64,
    product_price: i64,
    refund_required: bool,
    attention: Option<String>,
    late: bool,
    gateway: Option<String>,
    voucher: Option<i64>,
    payer_member: bool,
}

async fn row(w: &World, code: &str) -> Row {
    let code = code.to_string();
    w.t.app
        .db
        .read(move |c| {
            c.query_row(
                "SELECT t.status, t.payment_status, t.transaction_type, t.payment_method_type, t.total_price,
                        t.product_price, t.refund_required, t.attention, t.late_paid_at IS NOT NULL, p.status, t.voucher_id,
                        EXISTS (SELECT 1 FROM users u WHERE u.id = t.payer_user_id AND u.is_guest = 0)
                 FROM transactions t LEFT JOIN payments p ON p.transaction_id = t.id WHERE t.transaction_code = ?1",
                [&code],
                |r| {
                    Ok(Row {
                        status: r.get(0)?,
                        payment: r.get(1)?,
                        kind: r.get(2)?,
                        method_type: r.get(3)?,
                        total: r.get(4)?,
                        product_price: r.get(5)?,
                        refund_required: r.get(6)?,
                        attention: r.get(7)?,
                        late: r.get(8)?,
                        gateway: r.get(9)?,
                        voucher: r.get(10)?,
                        payer_member: r.get(11)?,
                    })
                },
            )
            .map_err(lapak::db::DbError::from)
        })
        .await
        .unwrap()
}

/// The ledger movements of one order: (kind, signed amount) each.
async fn moves(w: &World, code: &str) -> Vec<(String, i64)> {
    let code = code.to_string();
    w.t.app
        .db
        .read(move |c| {
            let mut s = c.prepare(
                "SELECT m.reference_type, CASE m.type WHEN 'credit' THEN m.amount ELSE -m.amount END
                 FROM balance_mutations m JOIN transactions t ON t.id = m.transaction_id WHERE t.transaction_code = ?1",
            )?;
            let rows = s.query_map([&code], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<Vec<_>, _>>()?;
            Ok::<_, lapak::db::DbError>(rows)
        })
        .await
        .unwrap()
}

async fn check(w: &World, orders: &[Order]) {
    // Balances: each equals the sum of its mutations, none is negative.
    let (_, offenders) = w.t.app.db.read(lapak::wallet::ledger::check).await.unwrap();
    if !offenders.is_empty() {
        w.fail(format!("ledger offenders: {offenders:?}"));
    }
    if w.t.count("SELECT COUNT(*) FROM balances WHERE balance < 0").await != 0 {
        w.fail("a negative balance".into());
    }
    // Vouchers: the count is the live uses.
    let bad_vouchers =
        w.t.count(
            "SELECT COUNT(*) FROM vouchers v WHERE usage_count <>
               (SELECT COUNT(*) FROM voucher_usages u WHERE u.voucher_id = v.id AND u.released_at IS NULL)",
        )
        .await;
    if bad_vouchers != 0 {
        w.fail(format!("{bad_vouchers} voucher(s) whose usage_count is not their live uses"));
    }
    // Every ref_id the supplier saw is an order's code (each checked once).
    let mut known = w.seen_refs.lock().unwrap().clone();
    for r in w.t.digiflazz.handle.ref_ids() {
        if known.contains(&r) {
            continue;
        }
        if w.t.count(&format!("SELECT COUNT(*) FROM transactions WHERE transaction_code = '{r}'")).await != 1 {
            w.fail(format!("the supplier got ref_id {r}, which is no order's code"));
        }
        known.insert(r);
    }
    *w.seen_refs.lock().unwrap() = known.clone();
    for o in orders {
        check_order(w, o, known.contains(&o.code)).await;
    }
    // Every log row is a legal move, chained, ending in the order's status.
    let codes = orders.iter().map(|o| o.code.clone()).collect();
    if let Some(problem) = w.t.log_problem_of(Some(codes)).await {
        w.fail(format!("order logs: {problem}"));
    }
}

async fn check_order(w: &World, o: &Order, sent: bool) {
    let r = row(w, &o.code).await;
    let m = moves(w, &o.code).await;
    let code = &o.code;
    let sum = |kind: &str| m.iter().filter(|(k, _)| k == kind).map(|(_, a)| *a).sum::<i64>();
    let count = |kind: &str| m.iter().filter(|(k, _)| k == kind).count();
    let truth = w.t.digiflazz.handle.truth(code);
    let paid = r.payment == "paid";
    let ctx = || format!("order {code}: {r:?}, ledger {m:?}, supplier {truth:?}, model {o:?}");

    // The two statuses agree.
    let consistent = match r.status.as_str() {
        "pending" => r.payment == "pending",
        "processing" | "success" | "refunded" => paid,
        "failed" => true,
        _ => false,
    };
    if !consistent {
        w.fail(format!("inconsistent state: {}", ctx()));
    }
    // Money that did not arrive moved nothing; a balance payment is one debit.
    if !paid && !m.is_empty() {
        w.fail(format!("ledger moves for an unpaid order: {}", ctx()));
    }
    if r.method_type == "balance" && paid && (count("purchase") != 1 || sum("purchase") != -r.total) {
        w.fail(format!("a balance purchase is not exactly one debit of its total: {}", ctx()));
    }
    // Only a payer's money comes back, once.
    if count("refund") > 1 || count("topup") > 1 {
        w.fail(format!("money returned or credited twice: {}", ctx()));
    }
    if (count("refund") == 1 || count("topup") == 1) && !r.payer_member {
        w.fail(format!("a guest's money in a balance: {}", ctx()));
    }
    if r.kind == "topup" {
        // A deposit received is credited once (on time: success; late: refunded).
        match (paid, r.status.as_str()) {
            (true, "success" | "refunded") if sum("topup") == r.product_price => {}
            (false, _) if m.is_empty() => {}
            _ => w.fail(format!("a deposit's money is not credited exactly once: {}", ctx())),
        }
    } else if paid {
        // Every rupiah received: delivered, refunded to the payer, on the refund list, on
        // the attention list, or still with the supplier.
        let refunded = sum("refund");
        let accounted = match r.status.as_str() {
            "success" => refunded == 0,
            "refunded" => {
                refunded == r.total
                    || (refunded == 0 && (!r.payer_member || r.gateway.as_deref() == Some("refunded") || r.total == 0))
            }
            "failed" => r.refund_required || r.attention.is_some(),
            "processing" => refunded == 0,
            _ => false,
        };
        if !accounted {
            w.fail(format!("money received but not accounted for: {}", ctx()));
        }
        if r.refund_required && r.status != "failed" {
            w.fail(format!("on the refund list but not failed: {}", ctx()));
        }
    }
    // Money Tripay returned is not returned again from the balance.
    if o.gateway_refunded_first && sum("refund") > 0 {
        w.fail(format!("Tripay refunded the payer, then lapak credited the balance too: {}", ctx()));
    }
    // The supplier only ever hears of orders paid on time.
    if sent && (!paid || r.late) {
        w.fail(format!("the supplier got an order that was not paid on time: {}", ctx()));
    }
    // Delivered and refunded (or failed) only with the admin told.
    let delivered = truth.as_deref() == Some("Sukses");
    let money_back = r.status == "refunded" || r.refund_required || sum("refund") > 0;
    let lapak_knows = !o.forced || o.told_after_force;
    // Told: flagged now, or flagged and since resolved by an admin.
    let told = r.attention.is_some()
        || w.t
            .count(&format!(
                "SELECT COUNT(*) FROM transaction_logs l JOIN transactions t ON t.id = l.transaction_id
                 WHERE t.transaction_code = '{code}' AND l.message LIKE 'attention (late_supplier_success)%'"
            ))
            .await
            > 0;
    if delivered && (money_back || r.status == "failed") && lapak_knows && !told {
        w.fail(format!("delivered and refunded, and not on the attention list: {}", ctx()));
    }
    // Success only when the supplier delivered (or an admin said so).
    if r.status == "success" && r.kind == "purchase" && !delivered && !o.admin_succeeded {
        w.fail(format!("success without a delivery: {}", ctx()));
    }
    // A voucher use is live while the order is unpaid or was paid on time.
    if let Some(v) = r.voucher {
        let live =
            w.t.count(&format!(
                "SELECT COUNT(*) FROM voucher_usages u JOIN transactions t ON t.id = u.transaction_id
                 WHERE t.transaction_code = '{code}' AND u.voucher_id = {v} AND u.released_at IS NULL"
            ))
            .await;
        let should = r.status == "pending" || (paid && !r.late);
        if (live == 1) != should {
            w.fail(format!("voucher use live={live}, expected {should}: {}", ctx()));
        }
    }
}
