//! Table-driven API scenarios: one row per case (name, method, path, who, body, and the
//! expected status, error code and field). `run` plays every row against the real app
//! and reports all the rows that did not answer as written, not only the first.
#![allow(dead_code)]

use reqwest::{Method, StatusCode};
use serde_json::Value;

use super::TestApp;

/// Who calls.
#[derive(Clone, Copy, Debug)]
pub enum Who {
    Anonymous,
    Customer,
    Reseller,
    Admin,
    /// A bearer token that is not one.
    BadToken,
}

/// The tokens of the callers a table uses.
pub struct Callers {
    pub customer: String,
    pub reseller: String,
    pub admin: String,
}

impl Callers {
    /// A customer, a reseller and an admin on `t`.
    pub async fn on(t: &TestApp) -> Callers {
        let admin = t.admin().await;
        let (customer, _) = t.register("matrix-customer@example.com", "081277770001").await;
        let (reseller, rid) = t.register("matrix-reseller@example.com", "081277770002").await;
        t.make_reseller(&admin, rid).await;
        Callers { customer, reseller, admin }
    }

    fn token(&self, who: Who) -> Option<&str> {
        match who {
            Who::Anonymous => None,
            Who::Customer => Some(&self.customer),
            Who::Reseller => Some(&self.reseller),
            Who::Admin => Some(&self.admin),
            Who::BadToken => Some("lpk_not-a-real-token"),
        }
    }
}

/// What a row expects: a status; for errors, the code and field when given.
#[derive(Clone, Debug)]
pub struct Scenario {
    pub name: &'static str,
    pub method: Method,
    pub path: String,
    pub who: Who,
    pub body: Option<Value>,
    pub status: u16,
    pub code: Option<&'static str>,
    pub field: Option<&'static str>,
}

impl Scenario {
    pub fn new(name: &'static str, method: Method, path: impl Into<String>, who: Who) -> Self {
        Scenario { name, method, path: path.into(), who, body: None, status: 200, code: None, field: None }
    }

    pub fn body(mut self, body: Value) -> Self {
        self.body = Some(body);
        self
    }

    /// Expects this status (a success, or an error without a code to check).
    pub fn status(mut self, status: u16) -> Self {
        self.status = status;
        self
    }

    /// Expects an error with this status and code.
    pub fn error(mut self, status: u16, code: &'static str) -> Self {
        self.status = status;
        self.code = Some(code);
        self
    }

    /// ...naming this field.
    pub fn field(mut self, field: &'static str) -> Self {
        self.field = Some(field);
        self
    }
}

/// Plays every row; panics listing every row that answered otherwise.
pub async fn run(t: &TestApp, callers: &Callers, table: &[Scenario]) {
    let mut wrong = Vec::new();
    for s in table {
        let r = t.call(s.method.clone(), &s.path, callers.token(s.who), s.body.clone()).await;
        let mut problems = Vec::new();
        if r.status != StatusCode::from_u16(s.status).expect("a status") {
            problems.push(format!("status {} (wanted {})", r.status.as_u16(), s.status));
        }
        if r.status.is_client_error() || r.status.is_server_error() {
            // The uniform error body, always.
            if r.body["status"].as_u64() != Some(u64::from(r.status.as_u16())) || r.body["message"].as_str().is_none() {
                problems.push("not the uniform error body".into());
            }
        }
        if let Some(code) = s.code {
            if r.body["code"].as_str() != Some(code) {
                problems.push(format!("code {} (wanted {code})", r.body["code"]));
            }
        }
        if let Some(field) = s.field {
            if r.body["field"].as_str() != Some(field) {
                problems.push(format!("field {} (wanted {field})", r.body["field"]));
            }
        }
        if !problems.is_empty() {
            wrong.push(format!(
                "{} — {} {} as {:?}: {}\n    body: {}",
                s.name,
                s.method,
                s.path,
                s.who,
                problems.join(", "),
                r.body
            ));
        }
    }
    assert!(wrong.is_empty(), "{} of {} scenarios answered otherwise:\n{}", wrong.len(), table.len(), wrong.join("\n"));
}
