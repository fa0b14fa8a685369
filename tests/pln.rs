//! The PLN prepaid name check before a token is bought: `GET /utility/pln?meter=` asks
//! Digiflazz's `inquiry-pln` (signed with the meter number), once a day per meter.

use crate::common;

use common::TestApp;
use reqwest::StatusCode;

#[tokio::test]
async fn a_meter_shows_its_owner_once_asked_and_errors_are_plain() {
    let t = TestApp::spawn().await;
    let r = t.get("/api/v1/utility/pln?meter=1234-5678-901", None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["name"], "BUDI SANTOSO");
    assert_eq!(r.body["meter_no"], "12345678901");
    assert_eq!(r.body["segment_power"], "R1 /000001300");
    assert_eq!(t.digiflazz.handle.pln_checks(), 1);
    // The same meter again: from the day's cache, not from Digiflazz.
    let again = t.get("/api/v1/utility/pln?meter=12345678901", None).await;
    assert_eq!((again.status, again.body["name"].as_str()), (StatusCode::OK, Some("BUDI SANTOSO")));
    assert_eq!(t.digiflazz.handle.pln_checks(), 1);

    let unknown = t.get("/api/v1/utility/pln?meter=99999999999", None).await;
    assert_eq!(
        (unknown.status, unknown.body["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("meter")),
        "{}",
        unknown.body
    );
    assert!(
        unknown.body["message"].as_str().unwrap().contains("Nomor Tujuan Salah"),
        "Digiflazz's words: {}",
        unknown.body
    );
    let limited = t.get("/api/v1/utility/pln?meter=12345670086", None).await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS, "{}", limited.body);
    assert!(limited.headers.get("retry-after").is_some());
    let asked = t.digiflazz.handle.pln_checks();
    // Not a meter number: refused before Digiflazz is asked.
    for bad in ["12345", "abcdefghijk", "1234567890123"] {
        let r = t.get(&format!("/api/v1/utility/pln?meter={bad}"), None).await;
        assert_eq!(
            (r.status, r.body["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("meter")),
            "{bad}: {}",
            r.body
        );
    }
    assert_eq!(t.digiflazz.handle.pln_checks(), asked);
}

#[tokio::test]
async fn digiflazz_down_is_a_503_not_a_500() {
    let t = TestApp::spawn_with(|f| {
        f.merge(figment::providers::Serialized::default("digiflazz.base_url", "http://127.0.0.1:9/v1"))
    })
    .await;
    let r = t.get("/api/v1/utility/pln?meter=12345678901", None).await;
    assert_eq!((r.status, r.error_code()), (StatusCode::SERVICE_UNAVAILABLE, "supplier_unavailable"), "{}", r.body);
}
