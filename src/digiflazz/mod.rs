//! Digiflazz, the supplier: the HTTP client, the `sign` formulas, the rc table, webhook
//! verification, and a simulator that answers as Digiflazz does. This is the only module
//! that knows Digiflazz's JSON; it hands the rest of lapak `supplier::model` types.

pub mod model;
pub mod simulator;
pub mod wire;

use hmac::{Hmac, Mac};
use md5::{Digest, Md5};
use sha1::Sha1;

use self::model::{
    Bill, BillInfo, BillPeriod, PascaRequest, PlnCustomer, SupplierOrder, SupplierProduct, SupplierStatus, TopupRequest,
};
use self::wire::{
    CekSaldoReq, DataOr, Deposit, Envelope, InquiryPlnData, InquiryPlnReq, PriceItem, PriceListReq, TransactionData,
    TransactionReq,
};
use crate::config::DigiflazzConfig;

/// `md5(username + api_key + suffix)`, lowercase hex: the one formula behind every sign.
pub fn sign(username: &str, api_key: &str, suffix: &str) -> String {
    let mut h = Md5::new();
    h.update(username.as_bytes());
    h.update(api_key.as_bytes());
    h.update(suffix.as_bytes());
    hex::encode(h.finalize())
}

/// `sha1=` + HMAC-SHA1(secret, raw body), as Digiflazz sends in `X-Hub-Signature`.
pub fn webhook_signature(secret: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha1>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(body);
    format!("sha1={}", hex::encode(mac.finalize().into_bytes()))
}

/// Constant-time check of an `X-Hub-Signature` header against the raw body.
pub fn verify_webhook(secret: &str, body: &[u8], header: &str) -> bool {
    let Some(hex_sig) = header.trim().strip_prefix("sha1=") else {
        return false;
    };
    let Ok(given) = hex::decode(hex_sig.to_ascii_lowercase()) else {
        return false;
    };
    let mut mac = Hmac::<Sha1>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(body);
    // verify_slice compares in constant time.
    mac.verify_slice(&given).is_ok()
}

/// The rc table (providers.md 1.4): the status an rc means, and whether Digiflazz made a
/// transaction record ("Terbentuk").
pub fn classify(rc: &str) -> (SupplierStatus, bool) {
    let rc = rc.trim();
    let status = match rc {
        "00" => SupplierStatus::Success,
        "03" | "99" => SupplierStatus::Pending,
        "" => SupplierStatus::Unknown,
        _ => SupplierStatus::Failed,
    };
    let created = matches!(
        rc,
        "00" | "01"
            | "02"
            | "03"
            | "50"
            | "51"
            | "52"
            | "53"
            | "54"
            | "55"
            | "57"
            | "58"
            | "59"
            | "60"
            | "70"
            | "71"
            | "72"
            | "73"
            | "74"
            | "84"
            | "85"
            | "86"
            | "99"
    );
    (status, created)
}

/// An answer turned into lapak's type. The rc decides; the status word only fills in when
/// the rc is missing, and an unknown word is kept as text with an Unknown status.
pub fn to_order(data: TransactionData, raw: Option<String>) -> SupplierOrder {
    let bill = bill_of(&data);
    let (mut status, created) = classify(&data.rc);
    if data.rc.trim().is_empty() {
        status = match data.status.trim().to_ascii_lowercase().as_str() {
            "sukses" | "success" => SupplierStatus::Success,
            "pending" | "processing" => SupplierStatus::Pending,
            "gagal" | "failed" => SupplierStatus::Failed,
            _ => SupplierStatus::Unknown,
        };
    }
    SupplierOrder {
        ref_id: data.ref_id,
        status,
        status_text: data.status,
        rc: data.rc,
        message: data.message,
        sn: data.sn,
        price: data.price,
        balance_after: data.buyer_last_saldo,
        trx_id: (!data.trx_id.is_empty()).then_some(data.trx_id),
        created,
        raw,
        bill,
    }
}

/// A text or number field of a `desc` object, as text.
fn desc_text(v: &serde_json::Value, key: &str) -> Option<String> {
    match v.get(key)? {
        serde_json::Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn desc_money(v: &serde_json::Value, key: &str) -> i64 {
    v.get(key).and_then(wire::money_of).unwrap_or(0).max(0)
}

/// The bill a postpaid answer describes; None for a prepaid answer.
pub fn bill_of(d: &TransactionData) -> Option<Bill> {
    if d.customer_name.is_empty() && d.desc.is_none() && d.admin.is_none() && d.selling_price.is_none() {
        return None;
    }
    let desc = d.desc.clone().unwrap_or(serde_json::Value::Null);
    let details: Vec<BillPeriod> = desc
        .get("detail")
        .and_then(|x| x.as_array())
        .map(|rows| {
            rows.iter()
                .map(|r| BillPeriod {
                    period: desc_text(r, "periode").unwrap_or_default(),
                    amount: desc_money(r, "nilai_tagihan"),
                    penalty: desc_money(r, "denda"),
                    admin: desc_money(r, "admin"),
                    other_fees: desc_money(r, "biaya_lain"),
                    meter_start: desc_text(r, "meter_awal"),
                    meter_end: desc_text(r, "meter_akhir"),
                    usage: desc_text(r, "usage"),
                    reference: desc_text(r, "no_ref"),
                })
                .collect()
        })
        .unwrap_or_default();
    let admin = d.admin.unwrap_or(0).max(0);
    let price = d.price.unwrap_or(0).max(0);
    let bill_amount = if !details.is_empty() {
        details.iter().map(|p| p.amount + p.penalty + p.other_fees).sum()
    } else if let Some(sp) = d.selling_price {
        (sp - admin).max(0)
    } else {
        (price - admin).max(0)
    };
    let period = if !d.periode.trim().is_empty() {
        d.periode.trim().to_string()
    } else {
        details.iter().map(|p| p.period.as_str()).filter(|p| !p.is_empty()).collect::<Vec<_>>().join(", ")
    };
    let sheets =
        desc.get("lembar_tagihan").and_then(wire::money_of).filter(|n| *n > 0).unwrap_or(details.len().max(1) as i64);
    Some(Bill {
        customer_no: d.customer_no.clone(),
        customer_name: d.customer_name.trim().to_string(),
        period,
        sheets,
        bill_amount,
        admin,
        supplier_price: price,
        selling_price: d.selling_price.unwrap_or(bill_amount + admin).max(0),
        info: BillInfo {
            tariff: desc_text(&desc, "tarif"),
            power: desc_text(&desc, "daya"),
            address: desc_text(&desc, "alamat"),
            due_date: desc_text(&desc, "jatuh_tempo"),
            participants: desc_text(&desc, "jumlah_peserta"),
            item_name: desc_text(&desc, "item_name"),
            chassis_no: desc_text(&desc, "no_rangka"),
            plate_no: desc_text(&desc, "no_pol"),
            tenor: desc_text(&desc, "tenor"),
        },
        details,
    })
}

/// Parses a webhook body. `Ok(None)` is a ping (no `data`).
pub fn parse_webhook(body: &[u8]) -> Result<Option<SupplierOrder>, String> {
    let parsed: wire::WebhookBody =
        serde_json::from_slice(body).map_err(|e| format!("unreadable webhook body: {e}"))?;
    Ok(parsed.data.map(|d| to_order(d, Some(String::from_utf8_lossy(body).into_owned()))))
}

#[derive(Debug, thiserror::Error)]
pub enum DigiflazzError {
    /// No usable answer (timeout, connection refused, ...).
    #[error("Digiflazz unreachable: {0}")]
    Transport(String),
    /// Digiflazz answered with an error code.
    #[error("Digiflazz refused (rc {rc}): {message}")]
    Rejected { rc: String, message: String },
    /// rc 83: the price list may be fetched in full once per five minutes.
    #[error("Digiflazz price-list limit (rc 83): {0}")]
    RateLimited(String),
    #[error("unreadable Digiflazz answer (HTTP {status}): {detail}")]
    Unreadable { status: u16, detail: String },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PriceListKind {
    Prepaid,
    Postpaid,
}

#[derive(Clone)]
pub struct DigiflazzClient {
    http: reqwest::Client,
    base: String,
    username: String,
    api_key: String,
    testing: bool,
}

impl std::fmt::Debug for DigiflazzClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DigiflazzClient").field("base", &self.base).field("username", &self.username).finish()
    }
}

impl DigiflazzClient {
    pub fn new(cfg: &DigiflazzConfig) -> Self {
        let http = crate::web::outbound_client(cfg.timeout_secs);
        Self {
            http,
            base: cfg.base_url.trim_end_matches('/').to_string(),
            username: cfg.username.clone(),
            api_key: cfg.api_key.clone(),
            testing: cfg.testing,
        }
    }

    pub fn base_url(&self) -> &str {
        &self.base
    }

    /// POSTs JSON and returns (HTTP status, body). The body is read even on 4xx: Digiflazz
    /// answers business errors with HTTP 400 and a JSON body.
    async fn post<B: serde::Serialize>(&self, path: &str, body: &B) -> Result<(u16, Vec<u8>), DigiflazzError> {
        let url = format!("{}/{}", self.base, path);
        let resp = self.http.post(&url).json(body).send().await.map_err(|e| {
            DigiflazzError::Transport(if e.is_timeout() {
                format!("timeout calling {path}")
            } else {
                format!("{path}: {e}")
            })
        })?;
        let status = resp.status().as_u16();
        let bytes = resp.bytes().await.map_err(|e| DigiflazzError::Transport(format!("{path}: reading body: {e}")))?;
        Ok((status, bytes.to_vec()))
    }

    fn unreadable(status: u16, body: &[u8], e: impl std::fmt::Display) -> DigiflazzError {
        let snippet: String = String::from_utf8_lossy(body).chars().take(200).collect();
        DigiflazzError::Unreadable { status, detail: format!("{e}; body: {snippet}") }
    }

    /// `cek-saldo`: the deposit left at Digiflazz, in whole rupiah.
    pub async fn balance(&self) -> Result<i64, DigiflazzError> {
        let req = CekSaldoReq {
            cmd: "deposit".into(),
            username: self.username.clone(),
            sign: sign(&self.username, &self.api_key, "depo"),
        };
        let (status, body) = self.post("cek-saldo", &req).await?;
        let env: Envelope<Deposit> = serde_json::from_slice(&body).map_err(|e| Self::unreadable(status, &body, e))?;
        match env.data {
            Some(DataOr::Ok(Deposit { deposit: Some(d) })) => Ok(d),
            Some(DataOr::Err(e)) => Err(DigiflazzError::Rejected { rc: e.rc, message: e.message }),
            _ => Err(Self::unreadable(status, &body, "no deposit in the answer")),
        }
    }

    /// `inquiry-pln`: the name and tariff behind a PLN prepaid meter. rc 86 (too many
    /// checks) and a wrong number come back as `Rejected` with Digiflazz's words.
    pub async fn inquiry_pln(&self, customer_no: &str) -> Result<PlnCustomer, DigiflazzError> {
        let req = InquiryPlnReq {
            username: self.username.clone(),
            customer_no: customer_no.to_string(),
            sign: sign(&self.username, &self.api_key, customer_no),
        };
        let (status, body) = self.post("inquiry-pln", &req).await?;
        let env: Envelope<InquiryPlnData> =
            serde_json::from_slice(&body).map_err(|e| Self::unreadable(status, &body, e))?;
        match env.data {
            Some(DataOr::Ok(d)) if d.rc == "00" || (d.rc.is_empty() && d.status.eq_ignore_ascii_case("sukses")) => {
                Ok(PlnCustomer {
                    customer_no: d.customer_no,
                    meter_no: d.meter_no,
                    subscriber_id: d.subscriber_id,
                    name: d.name,
                    segment_power: d.segment_power,
                })
            }
            Some(DataOr::Ok(d)) => Err(DigiflazzError::Rejected { rc: d.rc, message: d.message }),
            Some(DataOr::Err(e)) => Err(DigiflazzError::Rejected { rc: e.rc, message: e.message }),
            None => Err(Self::unreadable(status, &body, "no data in the answer")),
        }
    }

    /// The full price list (`cmd` prepaid or pasca).
    pub async fn price_list(&self, kind: PriceListKind) -> Result<Vec<SupplierProduct>, DigiflazzError> {
        let req = PriceListReq {
            cmd: match kind {
                PriceListKind::Prepaid => "prepaid".into(),
                PriceListKind::Postpaid => "pasca".into(),
            },
            username: self.username.clone(),
            sign: sign(&self.username, &self.api_key, "pricelist"),
            code: None,
            category: None,
            brand: None,
            kind: None,
        };
        let (status, body) = self.post("price-list", &req).await?;
        let env: Envelope<Vec<PriceItem>> =
            serde_json::from_slice(&body).map_err(|e| Self::unreadable(status, &body, e))?;
        match env.data {
            Some(DataOr::Ok(items)) => Ok(items.into_iter().filter_map(|i| product_of(i, kind)).collect()),
            Some(DataOr::Err(e)) if e.rc == "83" => Err(DigiflazzError::RateLimited(e.message)),
            Some(DataOr::Err(e)) => Err(DigiflazzError::Rejected { rc: e.rc, message: e.message }),
            None => Err(Self::unreadable(status, &body, "no data in the answer")),
        }
    }

    /// Buys, or, with a ref_id already used, asks for that order's current status (the
    /// documented status check re-sends the same request). Never fails: anything that is
    /// not a readable answer is `SupplierStatus::Unknown`.
    pub async fn topup(&self, req: &TopupRequest) -> SupplierOrder {
        let body = TransactionReq {
            username: self.username.clone(),
            buyer_sku_code: req.sku.clone(),
            customer_no: req.customer_no.clone(),
            ref_id: req.ref_id.clone(),
            sign: sign(&self.username, &self.api_key, &req.ref_id),
            testing: self.testing.then_some(true),
            max_price: req.max_price,
            cb_url: req.callback_url.clone(),
            commands: None,
        };
        self.transact(&body).await
    }

    fn pasca_body(&self, command: &str, req: &PascaRequest) -> TransactionReq {
        TransactionReq {
            username: self.username.clone(),
            buyer_sku_code: req.sku.clone(),
            customer_no: req.customer_no.clone(),
            ref_id: req.ref_id.clone(),
            sign: sign(&self.username, &self.api_key, &req.ref_id),
            testing: self.testing.then_some(true),
            max_price: None,
            cb_url: req.callback_url.clone(),
            commands: Some(command.into()),
        }
    }

    /// `inq-pasca`: the bill behind a customer number, under a fresh ref_id. Free; any
    /// answer other than rc 00 is `Rejected` with Digiflazz's words (rc 60: no bill yet).
    pub async fn inquiry_pasca(&self, req: &PascaRequest) -> Result<Bill, DigiflazzError> {
        let body = self.pasca_body("inq-pasca", req);
        let (status, bytes) = self.post("transaction", &body).await?;
        let env: Envelope<TransactionData> =
            serde_json::from_slice(&bytes).map_err(|e| Self::unreadable(status, &bytes, e))?;
        match env.data {
            Some(DataOr::Ok(d)) if d.rc.trim() == "00" => {
                let mut bill = bill_of(&d).unwrap_or_default();
                if bill.customer_no.is_empty() {
                    bill.customer_no = req.customer_no.clone();
                }
                Ok(bill)
            }
            Some(DataOr::Ok(d)) => Err(DigiflazzError::Rejected { rc: d.rc, message: d.message }),
            Some(DataOr::Err(e)) => Err(DigiflazzError::Rejected { rc: e.rc, message: e.message }),
            None => Err(Self::unreadable(status, &bytes, "no data in the answer")),
        }
    }

    /// `pay-pasca` with the inquiry's ref_id. Like [`Self::topup`], never fails.
    pub async fn pay_pasca(&self, req: &PascaRequest) -> SupplierOrder {
        self.transact(&self.pasca_body("pay-pasca", req)).await
    }

    /// `status-pasca`: where a bill payment stands (same ref_id).
    pub async fn status_pasca(&self, req: &PascaRequest) -> SupplierOrder {
        self.transact(&self.pasca_body("status-pasca", req)).await
    }

    async fn transact(&self, body: &TransactionReq) -> SupplierOrder {
        let ref_id = &body.ref_id;
        let (status, bytes) = match self.post("transaction", body).await {
            Ok(x) => x,
            Err(e) => return SupplierOrder::unknown(ref_id, e.to_string()),
        };
        let raw = String::from_utf8_lossy(&bytes).into_owned();
        match serde_json::from_slice::<Envelope<TransactionData>>(&bytes) {
            Ok(Envelope { data: Some(DataOr::Ok(mut d)) }) => {
                if d.ref_id.is_empty() {
                    d.ref_id = ref_id.clone();
                }
                to_order(d, Some(raw))
            }
            Ok(Envelope { data: Some(DataOr::Err(e)) }) => {
                let d = TransactionData { ref_id: ref_id.clone(), rc: e.rc, message: e.message, ..Default::default() };
                to_order(d, Some(raw))
            }
            _ => {
                let mut o = SupplierOrder::unknown(ref_id, format!("unreadable answer (HTTP {status})"));
                o.raw = Some(raw);
                o
            }
        }
    }
}

fn product_of(i: PriceItem, kind: PriceListKind) -> Option<SupplierProduct> {
    let sku = i.buyer_sku_code.trim().to_string();
    if sku.is_empty() {
        return None;
    }
    let postpaid = kind == PriceListKind::Postpaid;
    Some(SupplierProduct {
        name: if i.product_name.trim().is_empty() { sku.clone() } else { i.product_name.trim().to_string() },
        sku,
        category: i.category.trim().to_string(),
        brand: i.brand.trim().to_string(),
        group: i.kind.trim().to_string(),
        // A postpaid item's own cost is the supplier's admin fee (the bill passes through).
        price: if postpaid { i.admin.unwrap_or(0).max(0) } else { i.price.unwrap_or(0).max(0) },
        buyer_active: i.buyer_product_status.unwrap_or(false),
        seller_active: i.seller_product_status.unwrap_or(false),
        // Postpaid items have no stock; treat as unlimited.
        unlimited_stock: i.unlimited_stock.unwrap_or(postpaid),
        stock: i.stock,
        multi: i.multi.unwrap_or(true),
        cut_off_start: i.start_cut_off.trim().to_string(),
        cut_off_end: i.end_cut_off.trim().to_string(),
        description: i.desc,
        postpaid,
        admin_fee: i.admin.unwrap_or(0).max(0),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    // providers.md 1.8: credentials "user" / "key".
    #[test]
    fn sign_vectors() {
        assert_eq!(sign("user", "key", "depo"), "e9d1db43a49c569bcc2bc7164cbe6127");
        assert_eq!(sign("user", "key", "pricelist"), "6870b202c286b430a1f8a6744d48a862");
        assert_eq!(sign("user", "key", "deposit"), "ceec9e72c6645e30e25eae8f8d5c1372");
        assert_eq!(sign("user", "key", "some1d"), "35af8588d180c02a73e5651e38be5613");
        assert_eq!(sign("user", "key", "test1"), "c382eb426726b5776e64a450abca738d");
        assert_eq!(sign("user", "key", "1234554321"), "15002578b01db798b80ad0596b72d962");
    }

    const WEBHOOK_BODY: &str = r#"{"data":{"ref_id":"test1","customer_no":"087800001230","buyer_sku_code":"xld10","message":"Transaksi Sukses","status":"Sukses","rc":"00","sn":"1234567890","buyer_last_saldo":990000,"price":10000,"tele":"@telegram","wa":"081234512345"}}"#;

    #[test]
    fn webhook_vector() {
        let sig = webhook_signature("somesecretvalue", WEBHOOK_BODY.as_bytes());
        assert_eq!(sig, "sha1=03471d7645abe20486cfebcd13ad15851d0fb98a");
        assert!(verify_webhook("somesecretvalue", WEBHOOK_BODY.as_bytes(), &sig));
        assert!(verify_webhook(
            "somesecretvalue",
            WEBHOOK_BODY.as_bytes(),
            &sig.to_uppercase().replace("SHA1=", "sha1=")
        ));
        assert!(!verify_webhook("othersecret", WEBHOOK_BODY.as_bytes(), &sig));
        assert!(!verify_webhook("somesecretvalue", &WEBHOOK_BODY.as_bytes()[1..], &sig));
        assert!(!verify_webhook(
            "somesecretvalue",
            WEBHOOK_BODY.as_bytes(),
            "03471d7645abe20486cfebcd13ad15851d0fb98a"
        ));
        assert!(!verify_webhook("somesecretvalue", WEBHOOK_BODY.as_bytes(), "sha1=zz"));
        let order = parse_webhook(WEBHOOK_BODY.as_bytes()).unwrap().unwrap();
        assert_eq!(order.status, SupplierStatus::Success);
        assert_eq!(order.sn, "1234567890");
        assert_eq!(order.balance_after, Some(990_000));
        assert!(parse_webhook(br#"{"sed":"x","hook_id":"1"}"#).unwrap().is_none(), "a ping");
    }

    #[test]
    fn rc_classification_follows_the_table() {
        // (rc, status, created)
        let table = [
            ("00", SupplierStatus::Success, true),
            ("01", SupplierStatus::Failed, true),
            ("02", SupplierStatus::Failed, true),
            ("03", SupplierStatus::Pending, true),
            ("99", SupplierStatus::Pending, true),
            ("40", SupplierStatus::Failed, false),
            ("41", SupplierStatus::Failed, false),
            ("44", SupplierStatus::Failed, false),
            ("49", SupplierStatus::Failed, false),
            ("50", SupplierStatus::Failed, true),
            ("58", SupplierStatus::Failed, true),
            ("68", SupplierStatus::Failed, false),
            ("74", SupplierStatus::Failed, true),
            ("83", SupplierStatus::Failed, false),
            ("85", SupplierStatus::Failed, true),
            ("88", SupplierStatus::Failed, false),
            ("", SupplierStatus::Unknown, false),
        ];
        for (rc, status, created) in table {
            assert_eq!(classify(rc), (status.clone(), created), "rc {rc:?}");
        }
    }

    #[test]
    fn status_words_fill_in_only_without_rc() {
        let d = |rc: &str, status: &str| TransactionData { rc: rc.into(), status: status.into(), ..Default::default() };
        assert_eq!(to_order(d("", "Sukses"), None).status, SupplierStatus::Success);
        assert_eq!(to_order(d("", "Pending"), None).status, SupplierStatus::Pending);
        assert_eq!(to_order(d("", "Gagal"), None).status, SupplierStatus::Failed);
        assert_eq!(to_order(d("", "Entah"), None).status, SupplierStatus::Unknown);
        // The rc wins over the word.
        assert_eq!(to_order(d("03", "Sukses"), None).status, SupplierStatus::Pending);
        let o = to_order(d("00", "Weird"), None);
        assert_eq!((o.status, o.status_text.as_str()), (SupplierStatus::Success, "Weird"));
    }
}
