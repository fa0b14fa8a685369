//! Notifications leave through the outbox: every one reaches the operator's bridge
//! (refund paths included), and a bridge that is down gets them later.

use crate::common;

use std::{
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc, Mutex,
    },
    time::Duration,
};

use common::TestApp;
use reqwest::StatusCode;
use serde_json::{json, Value};

struct Bridge {
    url: String,
    /// (title, body) of every post answered 200.
    posts: Arc<Mutex<Vec<(String, String)>>>,
    down: Arc<AtomicBool>,
}

async fn bridge() -> Bridge {
    let posts: Arc<Mutex<Vec<(String, String)>>> = Arc::default();
    let down = Arc::new(AtomicBool::new(false));
    let (sink, off) = (posts.clone(), down.clone());
    let app = poem::Route::new().at(
        "/hook",
        poem::post(poem::endpoint::make(move |req: poem::Request| {
            let (sink, off) = (sink.clone(), off.clone());
            async move {
                let body = req.into_body().into_string().await.unwrap_or_default();
                if off.load(Ordering::SeqCst) {
                    return poem::Response::builder().status(poem::http::StatusCode::SERVICE_UNAVAILABLE).finish();
                }
                let title =
                    serde_json::from_str::<Value>(&body).ok().and_then(|v| v["title"].as_str().map(str::to_string));
                sink.lock().unwrap().push((title.unwrap_or_default(), body));
                poem::Response::builder().body("ok")
            }
        })),
    );
    let acceptor = lapak::http::bind("127.0.0.1:0").await.unwrap();
    let addr =
        poem::listener::Acceptor::local_addr(&acceptor).into_iter().find_map(|a| a.as_socket_addr().cloned()).unwrap();
    tokio::spawn(async move { poem::Server::new_with_acceptor(acceptor).run(app).await });
    Bridge { url: format!("http://{addr}/hook"), posts, down }
}

async fn spawn(b: &Bridge) -> TestApp {
    let url = b.url.clone();
    TestApp::spawn_with(move |f| f.merge(figment::providers::Serialized::default("notifications.webhook_url", url)))
        .await
}

/// Polls until `ok` holds (the dispatcher works in the background).
async fn until(mut ok: impl FnMut() -> bool) -> bool {
    for _ in 0..150 {
        if ok() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    ok()
}

#[tokio::test]
async fn every_notification_reaches_the_bridge_refunds_included() {
    let b = bridge().await;
    let t = spawn(&b).await;
    let admin = t.admin().await;
    t.sync(&admin).await;
    let (token, uid) = t.register("member@example.com", "081211110000").await;
    t.fund(&admin, uid, 50_000).await;
    let item = t.item_id("xld10").await;
    // The supplier fails this number: the order fails and is refunded to the balance.
    let body =
        json!({"product_item_id": item, "customer_data": {"phone": "087800001232"}, "payment_method": "BALANCE"});
    let r = t.post("/api/v1/transactions", Some(&token), body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let code = r.body["transaction_code"].as_str().unwrap().to_string();
    assert_eq!(t.wait_status(&code, "refunded").await, "refunded");

    let titles = || b.posts.lock().unwrap().iter().map(|(t, _)| t.clone()).collect::<Vec<_>>();
    assert!(until(|| titles().contains(&"Refund Berhasil".to_string())).await, "posted: {:?}", titles());
    assert!(titles().contains(&"Transaksi Gagal".to_string()), "posted: {:?}", titles());
    // Every notification written went out once, and its outbox row is settled.
    let written = t.count("SELECT COUNT(*) FROM notifications").await;
    assert!(
        until(|| b.posts.lock().unwrap().len() as i64 == written).await,
        "{written} written, {:?} posted",
        titles()
    );
    assert_eq!(t.count("SELECT COUNT(*) FROM notification_outbox WHERE sent_at IS NULL").await, 0);
    assert_eq!(t.count("SELECT COUNT(*) FROM notification_outbox").await, written, "one outbox row per notification");
    assert_eq!(t.count("SELECT COUNT(*) FROM notification_deliveries WHERE status = 200").await, written);
}

#[tokio::test]
async fn a_bridge_that_is_down_gets_the_notification_later() {
    let b = bridge().await;
    b.down.store(true, Ordering::SeqCst);
    let t = spawn(&b).await;
    let (_, uid) = t.register("later@example.com", "081211112222").await;
    t.app
        .db
        .write(move |tx| {
            lapak::notifications::create(tx, uid, lapak::notifications::Kind::Info, "Halo", "sebuah pesan", json!({}))
        })
        .await
        .unwrap();
    lapak::notifications::wake(&t.app);
    // The first try fails and is recorded; the row waits for its next attempt.
    assert!(
        t.wait_for("SELECT COUNT(*) FROM notification_outbox WHERE attempts = 1 AND next_attempt_at IS NOT NULL").await
    );
    assert_eq!(t.count("SELECT COUNT(*) FROM notification_deliveries WHERE status = 503").await, 1);
    assert_eq!(t.count("SELECT COUNT(*) FROM notification_outbox WHERE sent_at IS NULL").await, 1);

    // The bridge is back, but the retry is not due yet: nothing is sent.
    b.down.store(false, Ordering::SeqCst);
    assert_eq!(lapak::notifications::service::dispatch_due(&t.app).await.unwrap(), 0, "nothing is due yet");
    assert!(b.posts.lock().unwrap().is_empty());
    // Once its time comes, it goes out, once.
    t.advance(chrono::Duration::seconds(31));
    lapak::notifications::wake(&t.app);
    assert!(until(|| b.posts.lock().unwrap().len() == 1).await, "delivered after the retry gap");
    assert!(
        t.wait_for("SELECT COUNT(*) FROM notification_outbox WHERE sent_at IS NOT NULL AND last_error IS NULL").await
    );
    assert_eq!(t.count("SELECT COUNT(*) FROM notification_deliveries").await, 2);
    assert_eq!(b.posts.lock().unwrap()[0].0, "Halo");
}
