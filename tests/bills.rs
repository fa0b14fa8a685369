//! Postpaid bills (PPOB): the `pasca` list synced as postpaid products, an inquiry that
//! quotes a bill, checkout that pays the quote (once) under the inquiry's ref_id, the
//! postpaid webhook and `status-pasca`, and a quote whose day passed. Real clients
//! against the simulators; the documented test numbers of providers.md §1.6.

use crate::common;

use std::collections::HashMap;

use common::TestApp;
use lapak::orders::fulfilment::{ask_supplier, Asker};
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn setup() -> (TestApp, String) {
    let t = TestApp::spawn().await;
    let admin = t.admin().await;
    t.sync(&admin).await;
    (t, admin)
}

async fn inquire(t: &TestApp, sku: &str, number: &str, token: Option<&str>) -> common::Resp {
    let item = t.item_id(sku).await;
    t.post("/api/v1/bills/inquiry", token, json!({"product_item_id": item, "customer_data": {"customer_no": number}}))
        .await
}

async fn quote(t: &TestApp, sku: &str, number: &str, token: Option<&str>) -> Value {
    let r = inquire(t, sku, number, token).await;
    assert_eq!(r.status, StatusCode::OK, "{sku} {number}: {}", r.body);
    r.body
}

fn guest_pays(quote_id: &str, method: &str) -> Value {
    json!({"quote_id": quote_id, "payment_method": method, "customer_name": "Sari",
           "customer_email": "sari@example.com"})
}

/// The postpaid commands the supplier received for one ref_id.
fn commands_for(t: &TestApp, ref_id: &str) -> Vec<String> {
    t.digiflazz.handle.pasca_log().into_iter().filter(|(_, r)| r == ref_id).map(|(c, _)| c).collect()
}

async fn ref_of(t: &TestApp, code: &str) -> String {
    t.order_text(code, "inquiry_ref").await.expect("a bill order has its inquiry's ref_id")
}

#[tokio::test]
async fn the_pasca_list_becomes_postpaid_products_priced_by_their_admin_fee() {
    let (t, _admin) = setup().await;
    for sku in ["pln", "pdam", "internet", "bpjs", "multifinance", "tv"] {
        let row = t
            .text(&format!(
                "SELECT p.payment_type || '|' || p.type || '|' || i.base_price || '|' || i.admin_fee
                 FROM product_items i JOIN products p ON p.id = i.product_id WHERE i.digiflazz_code = '{sku}'"
            ))
            .await
            .unwrap_or_else(|| panic!("{sku} was synced"));
        let parts: Vec<&str> = row.split('|').collect();
        assert_eq!((parts[0], parts[1]), ("postpaid", "bill"), "{sku}: {row}");
        assert_eq!(parts[2], parts[3], "{sku}: the item's own cost is the supplier's admin fee: {row}");
    }
    // The prepaid catalog is still there, and still prepaid.
    assert_eq!(t.text("SELECT p.payment_type FROM product_items i JOIN products p ON p.id = i.product_id WHERE i.digiflazz_code = 'xld10'").await.as_deref(), Some("prepaid"));
    // A bill cannot be bought as a prepaid item: it needs its quote.
    let item = t.item_id("pln").await;
    let r = t
        .post(
            "/api/v1/transactions",
            None,
            json!({"product_item_id": item, "customer_data": {"customer_no": "530000000001"}, "payment_method": "QRIS",
                   "customer_name": "Sari", "customer_email": "sari@example.com"}),
        )
        .await;
    assert_eq!((r.status, r.error_code()), (StatusCode::UNPROCESSABLE_ENTITY, "quote_required"), "{}", r.body);
    assert_eq!(t.count("SELECT COUNT(*) FROM transactions").await, 0);
    // Neither is a prepaid item sent to the inquiry.
    let xl = t.item_id("xld10").await;
    let r = t
        .post("/api/v1/bills/inquiry", None, json!({"product_item_id": xl, "customer_data": {"phone": "087800001230"}}))
        .await;
    assert_eq!((r.status, r.error_code()), (StatusCode::UNPROCESSABLE_ENTITY, "not_a_bill"), "{}", r.body);
}

#[tokio::test]
async fn a_pln_bill_is_quoted_with_its_details_and_paid_under_the_inquirys_ref_id() {
    let (t, admin) = setup().await;
    let q = quote(&t, "pln", "530000000002", None).await;
    let bill = &q["bill"];
    assert_eq!(bill["customer_name"], "SUPRIYADI");
    assert_eq!(bill["sheets"], 2);
    assert_eq!(bill["details"].as_array().unwrap().len(), 2);
    for d in bill["details"].as_array().unwrap() {
        assert!(d["meter_start"].is_string() && d["meter_end"].is_string(), "PLN readings: {d}");
        assert_eq!(d["period"].as_str().unwrap().len(), 6);
    }
    assert_eq!(bill["tariff"], "R1");
    assert_eq!(bill["power"], "1300");
    let details_sum: i64 = bill["details"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["amount"].as_i64().unwrap() + d["penalty"].as_i64().unwrap() + d["other_fees"].as_i64().unwrap())
        .sum();
    assert_eq!(bill["bill_amount"].as_i64().unwrap(), details_sum);
    let (amount, fee, total) = (
        bill["bill_amount"].as_i64().unwrap(),
        bill["admin_fee"].as_i64().unwrap(),
        q["total_price"].as_i64().unwrap(),
    );
    assert_eq!(total, amount + fee);
    assert!(fee >= 5_000, "two sheets of the supplier's 2,500 admin at least: {fee}");
    assert!(total >= q["supplier_price"].as_i64().unwrap(), "never below the supplier's price: {q}");
    // The quote ends by the end of the day in Jakarta, and within the configured hour.
    let expires = chrono::DateTime::parse_from_rfc3339(q["expires_at"].as_str().unwrap()).unwrap();
    let now = chrono::Utc::now();
    assert!(expires > now && expires <= now + chrono::Duration::minutes(61), "{expires}");
    let end_of_day = (now.with_timezone(&chrono_tz::Asia::Jakarta).date_naive() + chrono::Duration::days(1))
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_local_timezone(chrono_tz::Asia::Jakarta)
        .unwrap();
    assert!(expires <= end_of_day, "{expires} after {end_of_day}");

    // A guest pays it by QRIS; the order's total is the quote's.
    let r = t.post("/api/v1/transactions", None, guest_pays(q["quote_id"].as_str().unwrap(), "QRIS")).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.body["product_price"].as_i64(), Some(total));
    assert_eq!(r.body["bill"]["customer_name"], "SUPRIYADI");
    assert_eq!(r.body["product_name"], "PLN Pascabayar", "the one item is not named twice");
    let code = r.body["transaction_code"].as_str().unwrap().to_string();
    t.pay(&code).await;
    assert_eq!(t.wait_status(&code, "success").await, "success");
    let done = t.get(&format!("/api/v1/transactions/{code}?email=sari@example.com"), None).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert!(!done.body["sn"].as_str().unwrap().is_empty(), "the biller's reference: {}", done.body);
    assert_eq!(done.body["bill"]["period"], bill["period"]);
    assert_eq!(done.body["bill"]["details"], bill["details"]);
    // Inquiry and payment under one ref_id; the order code is not sent as a ref_id.
    let ref_id = ref_of(&t, &code).await;
    assert_eq!(commands_for(&t, &ref_id), ["inq-pasca", "pay-pasca"]);
    assert_eq!(t.digiflazz.handle.calls_for(&code), 0);
    assert_eq!(t.digiflazz.handle.truth(&ref_id).as_deref(), Some("Sukses"));
    // The admin sees the bill and the ref_id Digiflazz knows it by.
    let seen = t.get(&format!("/api/v1/admin/transactions/{code}"), Some(&admin)).await;
    assert_eq!(seen.status, StatusCode::OK, "{}", seen.body);
    assert_eq!(seen.body["inquiry_ref"].as_str(), Some(ref_id.as_str()));
    assert_eq!(seen.body["bill"]["sheets"], 2);
    // The cost snapshot is the supplier's price for this bill.
    assert_eq!(t.order_int(&code, "base_price").await, q["supplier_price"].as_i64().unwrap());
    t.assert_ledger().await;
    t.assert_logs_legal().await;
}

/// Every row of the documented postpaid test table, end to end, for five kinds of bill:
/// guests pay by QRIS, a reseller from the balance.
#[tokio::test]
async fn every_documented_test_number_ends_as_the_supplier_says() {
    let (t, admin) = setup().await;
    let (token, member) = t.register("reseller@example.com", "081277770000").await;
    t.make_reseller(&admin, member).await;
    t.fund(&admin, member, 10_000_000).await;
    // (sku, success, payment failure, pending then success, pending then failure)
    let rows = [
        ("pln", "530000000001", "530000000006", "630000000001", "630000000006", "530000000003"),
        ("pdam", "1013226", "1013230", "2013226", "2013230", "1013227"),
        ("internet", "6391601001", "6391601005", "7391601001", "7391601005", "6391601002"),
        ("bpjs", "8801234560001", "8801234560005", "9801234560001", "9801234560005", "8801234560002"),
        ("multifinance", "6391601201", "6391601205", "7391601201", "7391601205", "6391601202"),
    ];
    let mut expect: HashMap<String, &str> = HashMap::new();
    let mut n = 0;
    for (sku, ok, pay_fail, pend_ok, pend_fail, inq_fail) in rows {
        // The inquiry failure: a 422 with the biller's words, no quote stored.
        let quotes = t.count("SELECT COUNT(*) FROM bill_quotes").await;
        let r = inquire(&t, sku, inq_fail, None).await;
        assert_eq!(
            (r.status, r.error_code(), r.body["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, "bill_inquiry_failed", Some("customer_data")),
            "{sku}: {}",
            r.body
        );
        assert!(r.body["message"].as_str().unwrap().contains("Gagal"), "{}", r.body);
        assert_eq!(t.count("SELECT COUNT(*) FROM bill_quotes").await, quotes);

        for (number, want) in [(ok, "success"), (pay_fail, "failed"), (pend_ok, "success"), (pend_fail, "failed")] {
            n += 1;
            let by_balance = n % 2 == 0;
            let q = quote(&t, sku, number, by_balance.then_some(token.as_str())).await;
            let qid = q["quote_id"].as_str().unwrap();
            let r = if by_balance {
                t.post("/api/v1/transactions", Some(&token), json!({"quote_id": qid, "payment_method": "BALANCE"}))
                    .await
            } else {
                t.post("/api/v1/transactions", None, guest_pays(qid, "QRIS")).await
            };
            assert_eq!(r.status, StatusCode::CREATED, "{sku} {number}: {}", r.body);
            let code = r.body["transaction_code"].as_str().unwrap().to_string();
            if !by_balance {
                t.pay(&code).await;
            }
            expect.insert(code, want);
        }
    }
    for (code, want) in &expect {
        // A failed bill paid from the balance is refunded at once; a guest's stays
        // failed, on the refund list.
        let got = if *want == "failed" {
            t.wait_for(&format!(
                "SELECT 1 FROM transactions WHERE transaction_code = '{code}' AND status IN ('failed', 'refunded')"
            ))
            .await;
            t.order_text(code, "status").await.unwrap()
        } else {
            t.wait_status(code, want).await
        };
        let ok = got == *want || (*want == "failed" && got == "refunded");
        assert!(ok, "{code}: {got} for {want}: {:?}", t.order_text(code, "digiflazz_message").await);
        let ref_id = ref_of(&t, code).await;
        let cmds = commands_for(&t, &ref_id);
        assert_eq!(cmds[..2], ["inq-pasca", "pay-pasca"], "{code}: {cmds:?}");
        assert!(cmds[2..].iter().all(|c| c == "status-pasca"), "{code}: re-checks use status-pasca: {cmds:?}");
    }
    // Failed bills paid from the balance went back to it; guests' went to the refund list.
    let failed_member: i64 = t
        .count(&format!(
            "SELECT COALESCE(SUM(total_price), 0) FROM transactions WHERE user_id = {member} AND status = 'refunded'"
        ))
        .await;
    assert!(failed_member > 0, "some member bills failed and were refunded");
    let spent: i64 = t
        .count(&format!(
            "SELECT COALESCE(SUM(total_price), 0) FROM transactions WHERE user_id = {member} AND status = 'success'"
        ))
        .await;
    assert_eq!(t.balance(member).await, 10_000_000 - spent);
    // The pending ones were settled by the postpaid webhook, verified and stored.
    assert!(
        t.count(
            "SELECT COUNT(*) FROM supplier_webhooks WHERE user_agent = 'Digiflazz-Pasca-Hookshot' AND verified = 1"
        )
        .await
            >= 10,
        "{:?}",
        t.text("SELECT group_concat(user_agent) FROM supplier_webhooks").await
    );
    t.assert_ledger().await;
    t.assert_logs_legal().await;
}

#[tokio::test]
async fn a_quote_pays_once_even_when_two_checkouts_race() {
    let (t, admin) = setup().await;
    let (token, member) = t.register("budi@example.com", "081277770001").await;
    t.fund(&admin, member, 1_000_000).await;
    let q = quote(&t, "pdam", "1013226", Some(&token)).await;
    let qid = q["quote_id"].as_str().unwrap().to_string();
    let body = json!({"quote_id": qid, "payment_method": "BALANCE"});
    let (a, b) = tokio::join!(
        t.post("/api/v1/transactions", Some(&token), body.clone()),
        t.post("/api/v1/transactions", Some(&token), body.clone())
    );
    let mut statuses = [a.status, b.status];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::CREATED, StatusCode::CONFLICT], "{} / {}", a.body, b.body);
    let refused = if a.status == StatusCode::CONFLICT { &a } else { &b };
    assert_eq!((refused.error_code(), refused.body["field"].as_str()), ("quote_used", Some("quote_id")));
    assert_eq!(t.count("SELECT COUNT(*) FROM transactions").await, 1);
    assert_eq!(t.balance(member).await, 1_000_000 - q["total_price"].as_i64().unwrap());
    // A third try later: still refused, nothing charged.
    let again = t.post("/api/v1/transactions", Some(&token), body).await;
    assert_eq!((again.status, again.error_code()), (StatusCode::CONFLICT, "quote_used"));
    // Someone else cannot pay a member's quote.
    let q2 = quote(&t, "pdam", "1013226", Some(&token)).await;
    let r = t.post("/api/v1/transactions", None, guest_pays(q2["quote_id"].as_str().unwrap(), "QRIS")).await;
    assert_eq!((r.status, r.error_code()), (StatusCode::UNPROCESSABLE_ENTITY, "no_such_quote"), "{}", r.body);
    let r = t.post("/api/v1/transactions", None, guest_pays("QNOSUCHQUOTE", "QRIS")).await;
    assert_eq!((r.status, r.error_code()), (StatusCode::UNPROCESSABLE_ENTITY, "no_such_quote"), "{}", r.body);
    t.assert_ledger().await;
}

#[tokio::test]
async fn an_expired_quote_is_refused_and_nothing_is_charged() {
    let (t, admin) = setup().await;
    let (token, member) = t.register("budi@example.com", "081277770001").await;
    t.fund(&admin, member, 1_000_000).await;
    let q = quote(&t, "bpjs", "8801234560001", Some(&token)).await;
    t.advance(chrono::Duration::minutes(61));
    let r = t
        .post("/api/v1/transactions", Some(&token), json!({"quote_id": q["quote_id"], "payment_method": "BALANCE"}))
        .await;
    assert_eq!(
        (r.status, r.error_code(), r.body["field"].as_str()),
        (StatusCode::CONFLICT, "quote_expired", Some("quote_id")),
        "{}",
        r.body
    );
    assert_eq!(t.count("SELECT COUNT(*) FROM transactions").await, 0);
    assert_eq!(t.balance(member).await, 1_000_000);
    assert!(commands_for(&t, &t.text("SELECT ref_id FROM bill_quotes").await.unwrap())
        .iter()
        .all(|c| c == "inq-pasca"));
    t.assert_ledger().await;

    // A paid quote is kept with its order; unpaid ones go a day after they expired.
    let paid = quote(&t, "bpjs", "8801234560001", Some(&token)).await;
    let r = t
        .post("/api/v1/transactions", Some(&token), json!({"quote_id": paid["quote_id"], "payment_method": "BALANCE"}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    t.advance(chrono::Duration::days(2));
    t.run_task(lapak::jobs::schedule::Task::PruneDeliveries).await;
    assert_eq!(t.count("SELECT COUNT(*) FROM bill_quotes").await, 1);
    assert_eq!(t.text("SELECT quote_id FROM bill_quotes").await.as_deref(), paid["quote_id"].as_str());
}

/// A bill paid (from the balance) whose inquiry's day passed before Digiflazz was asked
/// to pay it: lapak asks for the bill again under a new ref_id, and pays it only if the
/// amount is the same.
#[tokio::test]
async fn a_bill_whose_day_passed_is_asked_again_and_paid_only_if_unchanged() {
    let t = TestApp::spawn_manual(|f| f).await;
    let admin = t.admin().await;
    t.sync(&admin).await;
    let (token, member) = t.register("budi@example.com", "081277770001").await;
    t.fund(&admin, member, 1_000_000).await;

    let mut codes = vec![];
    for number in ["6391601001", "127246500101"] {
        let sku = if number.starts_with("639") { "internet" } else { "tv" };
        let q = quote(&t, sku, number, Some(&token)).await;
        let r = t
            .post("/api/v1/transactions", Some(&token), json!({"quote_id": q["quote_id"], "payment_method": "BALANCE"}))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        codes.push((r.body["transaction_code"].as_str().unwrap().to_string(), number));
    }
    let paid = t.balance(member).await;
    assert!(paid < 1_000_000);
    // The second bill grows meanwhile.
    t.digiflazz.handle.set_bill_amount("127246500101", 999_000);
    t.advance(chrono::Duration::days(1));
    let old_refs: Vec<String> = {
        let mut v = vec![];
        for (code, _) in &codes {
            v.push(ref_of(&t, code).await);
        }
        v
    };
    for (code, _) in &codes {
        let id = t.count(&format!("SELECT id FROM transactions WHERE transaction_code = '{code}'")).await;
        ask_supplier(&t.app, id, Asker::Job).await.unwrap();
    }
    // Unchanged: paid under a new ref_id; the old one was never paid.
    let (same, _) = &codes[0];
    assert_eq!(t.wait_status(same, "success").await, "success");
    let new_ref = ref_of(&t, same).await;
    assert_ne!(new_ref, old_refs[0]);
    assert_eq!(commands_for(&t, &old_refs[0]), ["inq-pasca"]);
    assert_eq!(commands_for(&t, &new_ref), ["inq-pasca", "pay-pasca"]);
    // Changed: not paid, failed and refunded to the balance, with the reason.
    let (changed, _) = &codes[1];
    assert_eq!(t.wait_status(changed, "refunded").await, "refunded");
    assert_eq!(ref_of(&t, changed).await, old_refs[1], "the order keeps the ref_id nothing was paid under");
    assert!(t.order_text(changed, "failed_reason").await.unwrap_or_default().contains("changed"));
    assert!(t.digiflazz.handle.pasca_log().iter().filter(|(c, _)| c == "pay-pasca").count() == 1);
    let charged = t.order_int(same, "total_price").await;
    assert_eq!(t.balance(member).await, 1_000_000 - charged);
    t.assert_ledger().await;
    t.assert_logs_legal().await;
}

#[tokio::test]
async fn the_simulator_refuses_pay_on_another_ref_id_or_day() {
    let t = TestApp::spawn().await;
    let d = &t.app.digiflazz;
    let req = |r: &str| lapak::digiflazz::model::PascaRequest {
        sku: "pln".into(),
        customer_no: "530000000001".into(),
        ref_id: r.into(),
        callback_url: None,
    };
    let bill = d.inquiry_pasca(&req("INQ-A")).await.unwrap();
    assert_eq!((bill.customer_name.as_str(), bill.sheets), ("SUPRIYADI", 1));
    let other = d.pay_pasca(&req("INQ-B")).await;
    assert_eq!((other.status.as_str(), other.rc.as_str()), ("failed", "50"), "{other:?}");
    t.digiflazz.handle.age_inquiry("INQ-A", 1);
    let late = d.pay_pasca(&req("INQ-A")).await;
    assert_eq!((late.status.as_str(), late.rc.as_str()), ("failed", "02"), "{late:?}");
    let fresh = d.inquiry_pasca(&req("INQ-C")).await.unwrap();
    let paid = d.pay_pasca(&req("INQ-C")).await;
    assert_eq!(paid.status.as_str(), "success", "{paid:?}");
    assert_eq!(paid.bill.as_ref().map(|b| b.bill_amount), Some(fresh.bill_amount));
    // Paying again is the same payment, not a second one.
    let again = d.pay_pasca(&req("INQ-C")).await;
    assert_eq!((again.status.as_str(), again.sn.as_str()), ("success", paid.sn.as_str()));
    let status = d.status_pasca(&req("INQ-C")).await;
    assert_eq!(status.sn, paid.sn);
    match d.inquiry_pasca(&req("INQ-D")).await {
        Ok(_) => {}
        Err(e) => panic!("{e}"),
    }
    let no_bill = lapak::digiflazz::model::PascaRequest { customer_no: "530000000003".into(), ..req("INQ-E") };
    assert!(
        matches!(d.inquiry_pasca(&no_bill).await, Err(lapak::digiflazz::DigiflazzError::Rejected { rc, .. }) if rc == "02")
    );
}

#[tokio::test]
async fn inquiries_are_limited_per_number() {
    let t = TestApp::spawn_with(|f| {
        f.merge(figment::providers::Serialized::default("limits.bill_inquiry_per_number_per_minute", 2))
    })
    .await;
    let admin = t.admin().await;
    t.sync(&admin).await;
    quote(&t, "pln", "530000000001", None).await;
    quote(&t, "pln", "530000000001", None).await;
    let asked = t.digiflazz.handle.inquiries();
    let r = inquire(&t, "pln", "530000000001", None).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
    assert!(r.headers.get("retry-after").is_some());
    assert_eq!(t.digiflazz.handle.inquiries(), asked, "refused before the supplier was asked");
    // Another number is not limited by this one.
    quote(&t, "pln", "530000000002", None).await;
}

#[tokio::test]
async fn inquiries_are_limited_per_client_address() {
    let t =
        TestApp::spawn_with(|f| f.merge(figment::providers::Serialized::default("limits.bill_inquiry_per_minute", 3)))
            .await;
    let admin = t.admin().await;
    t.sync(&admin).await;
    for n in ["530000000001", "530000000002", "1013226"] {
        let sku = if n.len() == 7 { "pdam" } else { "pln" };
        quote(&t, sku, n, None).await;
    }
    let r = inquire(&t, "bpjs", "8801234560001", None).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
    assert_eq!(t.digiflazz.handle.inquiries(), 3);
}

#[tokio::test]
async fn paying_the_same_bill_again_within_a_day_needs_confirmation() {
    let t =
        TestApp::spawn_with(|f| f.merge(figment::providers::Serialized::default("orders.duplicate_window_hours", 24)))
            .await;
    let admin = t.admin().await;
    t.sync(&admin).await;
    let q = quote(&t, "pln", "530000000001", None).await;
    let r = t.post("/api/v1/transactions", None, guest_pays(q["quote_id"].as_str().unwrap(), "QRIS")).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let q2 = quote(&t, "pln", "530000000001", None).await;
    let repeat = t.post("/api/v1/transactions", None, guest_pays(q2["quote_id"].as_str().unwrap(), "QRIS")).await;
    assert_eq!(
        (repeat.status, repeat.error_code(), repeat.body["field"].as_str()),
        (StatusCode::CONFLICT, "duplicate_order", Some("confirm_duplicate")),
        "{}",
        repeat.body
    );
    assert!(repeat.body["message"].as_str().unwrap().contains("confirm_duplicate"), "{}", repeat.body);
    assert_eq!(
        t.count("SELECT COUNT(*) FROM bill_quotes WHERE order_id IS NOT NULL").await,
        1,
        "the refused quote stays free"
    );
    let mut confirmed = guest_pays(q2["quote_id"].as_str().unwrap(), "QRIS");
    confirmed["confirm_duplicate"] = json!(true);
    let ok = t.post("/api/v1/transactions", None, confirmed).await;
    assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.body);
}

#[tokio::test]
async fn the_spec_types_the_quote_and_the_bill() {
    let t = TestApp::spawn().await;
    let spec = t.get("/openapi.json", None).await.body;
    let schemas = &spec["components"]["schemas"];
    let refs = |schema: &str, prop: &str| -> String {
        let p = &schemas[schema]["properties"][prop];
        p["$ref"]
            .as_str()
            .or(p["items"]["$ref"].as_str())
            .or(p["allOf"][0]["$ref"].as_str())
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(refs("BillQuote", "bill"), "#/components/schemas/BillView");
    assert_eq!(refs("BillView", "details"), "#/components/schemas/BillPeriodView");
    assert_eq!(refs("OrderView", "bill"), "#/components/schemas/BillView");
    for (schema, props) in [
        (
            "BillView",
            &[
                "customer_name",
                "period",
                "sheets",
                "bill_amount",
                "admin_fee",
                "total",
                "tariff",
                "power",
                "address",
                "due_date",
                "participants",
            ][..],
        ),
        ("BillPeriodView", &["period", "amount", "penalty", "other_fees", "meter_start", "meter_end"][..]),
        ("BillQuote", &["quote_id", "supplier_price", "total_price", "expires_at"][..]),
    ] {
        for p in props {
            let ty = schemas[schema]["properties"][p]["type"].as_str().unwrap_or_default();
            assert!(["string", "integer"].contains(&ty), "{schema}.{p} is typed: {}", schemas[schema]["properties"][p]);
        }
    }
    assert!(schemas["CheckoutRequest"]["properties"]["quote_id"].is_object());
    assert!(spec["paths"]["/api/v1/bills/inquiry"]["post"]["operationId"] == "inquireBill");
}
