//! Randomized sequences of bill events against the real app (manual worker): quotes,
//! checkouts by balance and QRIS, Tripay callbacks (late ones too), payment deadlines,
//! days passing before a bill is paid, bills that change at the biller, supplier calls
//! and the postpaid webhooks. After every event the money invariants are checked:
//! - every ledger adds up, and the member's balance is what it funded, less what its
//!   live balance-paid bills cost, plus its gateway payments for bills that failed;
//! - a bill the supplier paid is never failed or refunded, and a bill lapak calls paid
//!   was paid at the supplier;
//! - one order never pays at the supplier under two ref_ids;
//! - a guest's paid-then-failed bill is on the refund list.
//!
//! `LAPAK_BILLS_SEQUENCES` (default 40) and `LAPAK_BILLS_SEED` replay or lengthen a run.

use crate::common;

use common::TestApp;
use figment::providers::Serialized;
use lapak::orders::fulfilment::{ask_supplier, Asker};
use rand::{rngs::StdRng, seq::SliceRandom, Rng, SeedableRng};
use reqwest::StatusCode;
use serde_json::json;

const FUNDED: i64 = 50_000_000;
/// (SKU, number): paid, payment fails, pending then paid, pending then failed.
const NUMBERS: [(&str, &str); 8] = [
    ("pln", "530000000001"),
    ("pln", "530000000002"),
    ("pln", "530000000006"),
    ("pln", "630000000001"),
    ("pln", "630000000006"),
    ("pdam", "1013226"),
    ("pdam", "1013230"),
    ("pdam", "2013226"),
];

struct Bill {
    code: String,
    /// The ref_id of its quote (the order's first inquiry).
    first_ref: String,
    number: String,
    reference: Option<String>,
}

struct World {
    t: TestApp,
    token: String,
    member: i64,
    seed: u64,
    seq: u64,
    trail: Vec<String>,
}

impl World {
    fn fail(&self, what: String) -> ! {
        panic!(
            "{what}\n  seed {} sequence {} (replay: LAPAK_BILLS_SEED={})\n  events:\n    {}",
            self.seed,
            self.seq,
            self.seed,
            self.trail.join("\n    ")
        )
    }
}

fn env_u64(key: &str) -> Option<u64> {
    std::env::var(key).ok().and_then(|v| v.trim().parse().ok())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn random_bill_sequences_keep_the_money_invariants() {
    let seed = env_u64("LAPAK_BILLS_SEED").unwrap_or_else(|| rand::random::<u32>() as u64);
    let count = env_u64("LAPAK_BILLS_SEQUENCES").unwrap_or(40);
    eprintln!("bills model: seed {seed}, {count} sequences");
    let t = TestApp::spawn_manual(|f| {
        f.merge(Serialized::default("orders.recheck_min_secs", 60))
            .merge(Serialized::default("schedule.expire_unpaid", ""))
            .merge(Serialized::default("schedule.recheck_supplier", ""))
            .merge(Serialized::default("auth.token_ttl_hours", 24 * 365 * 20))
    })
    .await;
    let admin = t.admin().await;
    t.sync(&admin).await;
    let (token, member) = t.register("bills@example.com", "081277779999").await;
    t.fund(&admin, member, FUNDED).await;
    let mut w = World { t, token, member, seed, seq: 0, trail: vec![] };
    let mut all: Vec<Bill> = vec![];
    for n in 0..count {
        w.seq = n;
        w.trail.clear();
        let mut rng = StdRng::seed_from_u64(seed ^ n.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let mut bills = vec![];
        for _ in 0..rng.gen_range(1..=3) {
            if let Some(b) = new_bill(&mut w, &mut rng).await {
                bills.push(b);
            }
        }
        for _ in 0..rng.gen_range(6..16) {
            if bills.is_empty() {
                break;
            }
            let i = rng.gen_range(0..bills.len());
            event(&mut w, &mut rng, &bills[i]).await;
            check(&w, &bills).await;
        }
        all.extend(bills);
    }
    // Let the last pending webhooks land, then check every bill once more.
    tokio::time::sleep(std::time::Duration::from_millis(600)).await;
    w.trail = vec!["(the final check)".into()];
    check(&w, &all).await;
    let summary = w.t.text("SELECT group_concat(s, ', ') FROM (SELECT status || ' ' || COUNT(*) AS s FROM transactions GROUP BY status)").await;
    eprintln!("bills model: done; orders by status: {}", summary.unwrap_or_default());
}

async fn new_bill(w: &mut World, rng: &mut StdRng) -> Option<Bill> {
    let (sku, number) = *NUMBERS.choose(rng).unwrap();
    let by_member = rng.gen_bool(0.5);
    let token = by_member.then(|| w.token.clone());
    let item = w.t.item_id(sku).await;
    let q =
        w.t.post(
            "/api/v1/bills/inquiry",
            token.as_deref(),
            json!({"product_item_id": item, "customer_data": {"customer_no": number}}),
        )
        .await;
    if q.status != StatusCode::OK {
        w.fail(format!("inquiry {sku} {number}: {} {}", q.status, q.body));
    }
    let method = if by_member && rng.gen_bool(0.6) { "BALANCE" } else { "QRIS" };
    let mut body = json!({"quote_id": q.body["quote_id"], "payment_method": method});
    if !by_member {
        body["customer_name"] = json!("Tamu");
        body["customer_email"] = json!("tamu@example.com");
    }
    // Sometimes the quote waits before it is paid (it may expire).
    if rng.gen_ratio(1, 8) {
        w.t.advance(chrono::Duration::minutes(rng.gen_range(30..90)));
    }
    let r = w.t.post("/api/v1/transactions", token.as_deref(), body).await;
    if r.status.is_server_error() {
        w.fail(format!("checkout: {} {}", r.status, r.body));
    }
    if r.status != StatusCode::CREATED {
        w.trail.push(format!("checkout refused: {}", r.body["code"]));
        return None;
    }
    let code = r.body["transaction_code"].as_str().unwrap().to_string();
    let first_ref = w.t.order_text(&code, "inquiry_ref").await.unwrap();
    w.trail.push(format!("bill {code} {sku} {number} by {method}"));
    Some(Bill {
        code,
        first_ref,
        number: number.into(),
        reference: r.body["payment"]["reference"].as_str().map(str::to_string),
    })
}

async fn event(w: &mut World, rng: &mut StdRng, b: &Bill) {
    match rng.gen_range(0..100) {
        0..=29 => {
            if let Some(reference) = &b.reference {
                let s = w.t.tripay.sim.post_status(reference, "PAID").await.unwrap();
                if s != 200 {
                    w.fail(format!("Tripay PAID answered {s}"));
                }
                w.trail.push(format!("tripay PAID {}", b.code));
            }
        }
        30..=35 => {
            w.t.advance(chrono::Duration::minutes(61));
            let n = lapak::orders::payment::expire_due(&w.t.app).await.unwrap();
            w.trail.push(format!("deadline passed: {n} expired"));
        }
        36..=43 => {
            w.t.advance(chrono::Duration::days(1));
            w.trail.push("a day passed".into());
        }
        44..=49 => {
            let amount = rng.gen_range(40..200) * 1_000;
            w.t.digiflazz.handle.set_bill_amount(&b.number, amount);
            w.trail.push(format!("bill of {} is now {amount} a month", b.number));
        }
        _ => {
            w.t.advance(chrono::Duration::seconds(61));
            let id = w.t.count(&format!("SELECT id FROM transactions WHERE transaction_code = '{}'", b.code)).await;
            let asked = ask_supplier(&w.t.app, id, Asker::Job).await.unwrap();
            w.trail.push(format!("supplier asked about {}: {asked:?}", b.code));
        }
    }
}

async fn check(w: &World, bills: &[Bill]) {
    let (_, offenders) = w.t.app.db.read(lapak::wallet::ledger::check).await.unwrap();
    if !offenders.is_empty() {
        w.fail(format!("ledger: {offenders:?}"));
    }
    // One read, one snapshot: a webhook may settle a bill between two reads.
    // Money the member paid through Tripay for a bill that then failed or closed (a
    // late payment) comes back to the balance.
    let m = w.member;
    let off =
        w.t.count(&format!(
            "SELECT COALESCE((SELECT balance FROM balances WHERE user_id = {m}), 0)
                  + (SELECT COALESCE(SUM(total_price), 0) FROM transactions WHERE user_id = {m}
                     AND payment_method = 'BALANCE' AND status IN ('pending', 'processing', 'success'))
                  - (SELECT COALESCE(SUM(total_price), 0) FROM transactions WHERE user_id = {m}
                     AND payment_method <> 'BALANCE' AND status = 'refunded')
                  - {FUNDED}"
        ))
        .await;
    if off != 0 {
        w.fail(format!("the member's balance is off by {off}: funded, less live balance-paid bills, plus returned gateway payments"));
    }
    for b in bills {
        let status = w.t.order_text(&b.code, "status").await.unwrap_or_default();
        let current = w.t.order_text(&b.code, "inquiry_ref").await.unwrap_or_default();
        let mut refs = vec![b.first_ref.clone()];
        if current != b.first_ref {
            refs.push(current);
        }
        let paid: Vec<&String> =
            refs.iter().filter(|r| w.t.digiflazz.handle.truth(r).as_deref() == Some("Sukses")).collect();
        if paid.len() > 1 {
            w.fail(format!("{} was paid at the supplier under two ref_ids: {paid:?}", b.code));
        }
        if !paid.is_empty() && matches!(status.as_str(), "failed" | "refunded" | "expired") {
            w.fail(format!("{} is {status} but the supplier paid it", b.code));
        }
        if status == "success" && paid.is_empty() {
            w.fail(format!("{} is success but the supplier never paid it", b.code));
        }
        let payment = w.t.order_text(&b.code, "payment_status").await.unwrap_or_default();
        let listed = w.t.order_int(&b.code, "refund_required").await == 1;
        if status == "failed" && payment == "paid" && !listed {
            w.fail(format!("{} failed after payment but is not on the refund list", b.code));
        }
    }
}
