//! The authorisation and validation matrices, one row per case (see
//! `tests/common/scenario.rs`).

use crate::common;

use common::{
    scenario::{run, Callers, Scenario, Who},
    TestApp,
};
use reqwest::Method;
use serde_json::json;

const ADMIN_LISTS: [&str; 21] = [
    "/api/v1/admin/users",
    "/api/v1/admin/users/statistics",
    "/api/v1/admin/categories",
    "/api/v1/admin/products",
    "/api/v1/admin/products/sync-runs",
    "/api/v1/admin/vouchers",
    "/api/v1/admin/pricing-rules",
    "/api/v1/admin/settings",
    "/api/v1/admin/banners",
    "/api/v1/admin/transactions",
    "/api/v1/admin/transactions/statistics",
    "/api/v1/admin/transactions/attention",
    "/api/v1/admin/transactions/refund-required",
    "/api/v1/admin/withdrawals",
    "/api/v1/admin/dashboard",
    "/api/v1/admin/reports/sales",
    "/api/v1/admin/activity-logs",
    "/api/v1/admin/activity-logs/statistics",
    "/api/v1/admin/system",
    "/api/v1/admin/system/replication",
    "/api/v1/admin/jobs",
];

const MEMBER_PAGES: [&str; 9] = [
    "/api/v1/me",
    "/api/v1/me/balance",
    "/api/v1/me/mutations",
    "/api/v1/me/analytics",
    "/api/v1/notifications",
    "/api/v1/notifications/count",
    "/api/v1/transactions",
    "/api/v1/deposits",
    "/api/v1/withdrawals",
];

#[tokio::test]
async fn who_may_call_what() {
    let t = TestApp::spawn().await;
    let c = Callers::on(&t).await;
    let mut table = Vec::new();
    for path in ADMIN_LISTS {
        table
            .push(Scenario::new("admin list, anonymous", Method::GET, path, Who::Anonymous).error(401, "unauthorized"));
        table.push(Scenario::new("admin list, bad token", Method::GET, path, Who::BadToken).error(401, "unauthorized"));
        table.push(Scenario::new("admin list, customer", Method::GET, path, Who::Customer).error(403, "forbidden"));
        table.push(Scenario::new("admin list, reseller", Method::GET, path, Who::Reseller).error(403, "forbidden"));
        table.push(Scenario::new("admin list, admin", Method::GET, path, Who::Admin).status(200));
    }
    for path in MEMBER_PAGES {
        table.push(
            Scenario::new("member page, anonymous", Method::GET, path, Who::Anonymous).error(401, "unauthorized"),
        );
        table
            .push(Scenario::new("member page, bad token", Method::GET, path, Who::BadToken).error(401, "unauthorized"));
        table.push(Scenario::new("member page, customer", Method::GET, path, Who::Customer).status(200));
    }
    // Public pages: anyone; a token that does not work is still refused.
    for path in ["/api/v1/categories", "/api/v1/products", "/api/v1/banners", "/api/v1/app-config", "/api/v1/vouchers"]
    {
        table.push(Scenario::new("public page, anonymous", Method::GET, path, Who::Anonymous).status(200));
        table.push(Scenario::new("public page, customer", Method::GET, path, Who::Customer).status(200));
    }
    table.push(
        Scenario::new("public catalog, bad token", Method::GET, "/api/v1/products", Who::BadToken)
            .error(401, "unauthorized"),
    );
    // Writes.
    let cat = json!({"name": "Hack"});
    table.push(
        Scenario::new("create category, customer", Method::POST, "/api/v1/admin/categories", Who::Customer)
            .body(cat.clone())
            .error(403, "forbidden"),
    );
    table.push(
        Scenario::new("create category, admin", Method::POST, "/api/v1/admin/categories", Who::Admin)
            .body(cat)
            .status(201),
    );
    let voucher = json!({"code": "MX1", "name": "x", "type": "fixed", "value": 1000});
    table.push(
        Scenario::new("create voucher, reseller", Method::POST, "/api/v1/admin/vouchers", Who::Reseller)
            .body(voucher)
            .error(403, "forbidden"),
    );
    let wd = json!({"amount": 100000, "payment_method": "BCA", "account_number": "123", "account_name": "Budi"});
    table.push(
        Scenario::new("withdraw, retail customer", Method::POST, "/api/v1/withdrawals", Who::Customer)
            .body(wd)
            .error(403, "forbidden"),
    );
    let dep = json!({"amount": 50000, "payment_method": "BRIVA"});
    table.push(
        Scenario::new("deposit, anonymous", Method::POST, "/api/v1/deposits", Who::Anonymous)
            .body(dep)
            .error(401, "unauthorized"),
    );
    table.push(
        Scenario::new(
            "adjust balance, customer",
            Method::POST,
            "/api/v1/admin/users/1/balance-adjustments",
            Who::Customer,
        )
        .body(json!({"amount": 1000, "reason": "gift"}))
        .error(403, "forbidden"),
    );
    run(&t, &c, &table).await;
}

#[tokio::test]
async fn bad_input_is_named() {
    let t = TestApp::spawn().await;
    let c = Callers::on(&t).await;
    t.sync(&c.admin).await;
    let item = t.item_id("xld10").await;
    let guest = |edit: &dyn Fn(&mut serde_json::Value)| {
        let mut b = json!({"product_item_id": item, "customer_data": {"phone": "087800001230"}, "payment_method": "QRIS",
                           "customer_name": "Budi", "customer_email": "budi@example.com"});
        edit(&mut b);
        b
    };
    let register = |email: &str, phone: &str, password: &str| json!({"name": "Budi", "email": email, "phone": phone, "password": password});
    let table = vec![
        // Accounts.
        Scenario::new("google: no token", Method::POST, "/api/v1/auth/google", Who::Anonymous)
            .body(json!({}))
            .error(422, "validation_failed")
            .field("id_token"),
        Scenario::new("register: bad e-mail", Method::POST, "/api/v1/auth/register", Who::Anonymous)
            .body(register("not-an-email", "081299990001", "kuda-lumping-77"))
            .error(422, "validation_failed")
            .field("email"),
        Scenario::new("register: landline", Method::POST, "/api/v1/auth/register", Who::Anonymous)
            .body(register("a1@example.com", "0215550000", "kuda-lumping-77"))
            .error(422, "validation_failed")
            .field("phone"),
        Scenario::new("register: weak password", Method::POST, "/api/v1/auth/register", Who::Anonymous)
            .body(register("a2@example.com", "081299990002", "12345678"))
            .error(422, "weak_password")
            .field("password"),
        Scenario::new("register: missing name", Method::POST, "/api/v1/auth/register", Who::Anonymous)
            .body(json!({"email": "a3@example.com", "phone": "081299990003", "password": "kuda-lumping-77"}))
            .error(422, "validation_failed")
            .field("name"),
        Scenario::new("register: taken e-mail", Method::POST, "/api/v1/auth/register", Who::Anonymous)
            .body(register("matrix-customer@example.com", "081299990004", "kuda-lumping-77"))
            .error(409, "email_taken")
            .field("email"),
        Scenario::new("login: wrong password", Method::POST, "/api/v1/auth/login", Who::Anonymous)
            .body(json!({"identifier": "matrix-customer@example.com", "password": "nope-nope"}))
            .error(401, "invalid_credentials"),
        // Checkout.
        Scenario::new("checkout: guest without a name", Method::POST, "/api/v1/transactions", Who::Anonymous)
            .body(guest(&|b| {
                b.as_object_mut().unwrap().remove("customer_name");
            }))
            .error(422, "validation_failed")
            .field("customer_name"),
        Scenario::new("checkout: bad e-mail", Method::POST, "/api/v1/transactions", Who::Anonymous)
            .body(guest(&|b| b["customer_email"] = json!("budi-at-example")))
            .error(422, "validation_failed")
            .field("customer_email"),
        Scenario::new("checkout: unknown item", Method::POST, "/api/v1/transactions", Who::Anonymous)
            .body(guest(&|b| b["product_item_id"] = json!(999_999)))
            .error(422, "validation_failed")
            .field("product_item_id"),
        Scenario::new("checkout: unknown channel", Method::POST, "/api/v1/transactions", Who::Anonymous)
            .body(guest(&|b| b["payment_method"] = json!("NOPE")))
            .error(422, "validation_failed")
            .field("payment_method"),
        Scenario::new("checkout: a guest paying with balance", Method::POST, "/api/v1/transactions", Who::Anonymous)
            .body(guest(&|b| b["payment_method"] = json!("BALANCE")))
            .error(422, "validation_failed")
            .field("payment_method"),
        Scenario::new("checkout: missing customer data", Method::POST, "/api/v1/transactions", Who::Anonymous)
            .body(guest(&|b| b["customer_data"] = json!({})))
            .error(422, "validation_failed")
            .field("customer_data.phone"),
        Scenario::new("checkout: another operator's number", Method::POST, "/api/v1/transactions", Who::Anonymous)
            .body(guest(&|b| b["customer_data"] = json!({"phone": "081234567890"})))
            .error(422, "operator_mismatch")
            .field("customer_data.phone"),
        Scenario::new("checkout: an unknown voucher", Method::POST, "/api/v1/transactions", Who::Anonymous)
            .body(guest(&|b| b["voucher_code"] = json!("NOSUCH")))
            .error(422, "validation_failed")
            .field("voucher_code"),
        Scenario::new("checkout: balance too low", Method::POST, "/api/v1/transactions", Who::Customer)
            .body(json!({"product_item_id": item, "customer_data": {"phone": "087800001230"}, "payment_method": "BALANCE"}))
            .error(422, "insufficient_balance")
            .field("payment_method"),
        // Lists.
        Scenario::new("a page size above 100", Method::GET, "/api/v1/transactions?per_page=101", Who::Customer)
            .error(400, "invalid_parameter")
            .field("per_page"),
        Scenario::new("a date that is not one", Method::GET, "/api/v1/me/mutations?from=yesterday", Who::Customer)
            .error(400, "invalid_parameter")
            .field("from"),
        Scenario::new("a report range backwards", Method::GET, "/api/v1/admin/reports/sales?from=2026-02-01&to=2026-01-01", Who::Admin)
            .error(422, "validation_failed")
            .field("to"),
        // Admin edits.
        Scenario::new("voucher: 150 percent", Method::POST, "/api/v1/admin/vouchers", Who::Admin)
            .body(json!({"code": "TOOMUCH", "name": "x", "type": "percentage", "value": 150}))
            .error(422, "validation_failed")
            .field("value"),
        Scenario::new("voucher: unknown product", Method::POST, "/api/v1/admin/vouchers", Who::Admin)
            .body(json!({"code": "NOPROD", "name": "x", "type": "fixed", "value": 100, "product_id": 999_999}))
            .error(422, "validation_failed")
            .field("product_id"),
        Scenario::new("pricing rule: brand scope without a brand", Method::POST, "/api/v1/admin/pricing-rules", Who::Admin)
            .body(json!({"scope": "brand", "tier": "retail", "flat": 100}))
            .error(422, "validation_failed")
            .field("scope"),
        Scenario::new("setting: a key with spaces", Method::PUT, "/api/v1/admin/settings/bad key", Who::Admin)
            .body(json!({"value": "x"}))
            .error(422, "validation_failed")
            .field("key"),
        Scenario::new("setting: a number that is not", Method::PUT, "/api/v1/admin/settings/shop.limit", Who::Admin)
            .body(json!({"value": "abc", "type": "number"}))
            .error(422, "validation_failed")
            .field("value"),
        Scenario::new("category: a slug with spaces", Method::POST, "/api/v1/admin/categories", Who::Admin)
            .body(json!({"name": "Voucher Game", "slug": "Voucher Game"}))
            .error(422, "validation_failed")
            .field("slug"),
        Scenario::new("balance adjustment of zero", Method::POST, "/api/v1/admin/users/1/balance-adjustments", Who::Admin)
            .body(json!({"amount": 0, "reason": "nothing"}))
            .error(422, "validation_failed")
            .field("amount"),
        Scenario::new("balance adjustment of an unknown user", Method::POST, "/api/v1/admin/users/999999/balance-adjustments", Who::Admin)
            .body(json!({"amount": 1000, "reason": "gift"}))
            .error(404, "not_found"),
        Scenario::new("activity clean-up of zero days", Method::POST, "/api/v1/admin/activity-logs/clean", Who::Admin)
            .body(json!({"days": 0}))
            .error(422, "validation_failed")
            .field("days"),
        Scenario::new("withdrawal below the minimum", Method::POST, "/api/v1/withdrawals", Who::Reseller)
            .body(json!({"amount": 1, "payment_method": "BCA", "account_number": "123", "account_name": "Budi"}))
            .error(422, "validation_failed")
            .field("amount"),
        Scenario::new("an admin demoting itself", Method::PATCH, "/api/v1/admin/users/1", Who::Admin)
            .body(json!({"role": "customer"}))
            .error(409, "self_lockout"),
    ];
    run(&t, &c, &table).await;
}
