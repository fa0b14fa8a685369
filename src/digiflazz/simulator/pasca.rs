//! The simulator's postpaid side (providers.md §1.3 f, §1.6): the `pasca` price list,
//! `inq-pasca`, `pay-pasca` and `status-pasca`, with the documented test numbers.
//!
//! - An inquiry stores the bill under its ref_id, dated in Asia/Jakarta; `pay-pasca`
//!   must use that ref_id with the same SKU and number, on the same date (else Gagal).
//! - The same ref_id paid again, or asked with `status-pasca`, returns the payment's
//!   current state, never a second payment.
//! - Test numbers: the table of §1.6 for pln, pdam, internet, bpjs, multifinance, tv and
//!   pgas. Any other number of at least six digits has one generated bill, except
//!   numbers ending in `0060` (rc 60, no bill yet) or `0054` (rc 54, wrong number).

use chrono::{Datelike, NaiveDate};
use serde_json::json;

use super::{answer, decided, rc_error, sign, Outcome, SimTx, State};
use crate::digiflazz::wire::{PriceItem, TransactionData, TransactionReq};

/// A stored inquiry.
#[derive(Clone, Debug)]
pub(super) struct SimBill {
    pub sku: String,
    pub customer_no: String,
    pub on: NaiveDate,
    pub data: TransactionData,
}

/// (SKU, brand, product name, admin per sheet, commission per sheet, kind of desc).
const PASCA: [(&str, &str, &str, i64, i64); 7] = [
    ("pln", "PLN PASCABAYAR", "PLN Pascabayar", 2_500, 700),
    ("pdam", "PDAM", "PDAM Kota", 2_000, 500),
    ("internet", "INTERNET PASCABAYAR", "Internet Pascabayar", 2_500, 600),
    ("bpjs", "BPJS KESEHATAN", "BPJS Kesehatan", 2_500, 800),
    ("multifinance", "MULTIFINANCE", "Multifinance Angsuran", 5_000, 1_500),
    ("tv", "TV PASCABAYAR", "TV Kabel Pascabayar", 2_500, 500),
    ("pgas", "GAS NEGARA", "PGN Gas Negara", 2_500, 500),
];

/// The `pasca` price list.
pub(super) fn pasca_catalogue() -> Vec<PriceItem> {
    PASCA
        .iter()
        .map(|(sku, brand, name, admin, commission)| PriceItem {
            product_name: (*name).into(),
            category: "Pascabayar".into(),
            brand: (*brand).into(),
            seller_name: "Si***".into(),
            buyer_sku_code: (*sku).into(),
            buyer_product_status: Some(true),
            seller_product_status: Some(true),
            desc: "Bayar tagihan".into(),
            admin: Some(*admin),
            commission: Some(*commission),
            ..Default::default()
        })
        .collect()
}

/// What a number does (providers.md §1.6).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Case {
    Bills(usize),
    InquiryFail(&'static str, &'static str),
    PayFail,
    PendingThen(bool),
}

/// (SKU, success numbers with their sheet count, inquiry failure, payment failure,
/// pending then success, pending then failure).
type Row =
    (&'static str, &'static [(&'static str, usize)], &'static str, &'static str, &'static [&'static str], &'static str);
const TEST_NUMBERS: [Row; 7] = [
    (
        "pln",
        &[("530000000001", 1), ("530000000002", 2)],
        "530000000003",
        "530000000006",
        &["630000000001", "630000000002"],
        "630000000006",
    ),
    ("pdam", &[("1013226", 1)], "1013227", "1013230", &["2013226"], "2013230"),
    ("internet", &[("6391601001", 1)], "6391601002", "6391601005", &["7391601001"], "7391601005"),
    ("bpjs", &[("8801234560001", 1)], "8801234560002", "8801234560005", &["9801234560001"], "9801234560005"),
    ("multifinance", &[("6391601201", 1)], "6391601202", "6391601205", &["7391601201"], "7391601205"),
    ("tv", &[("127246500101", 1)], "127246500102", "127246500105", &["227246500101"], "227246500105"),
    (
        "pgas",
        &[("0110014601", 1), ("0110014602", 2)],
        "0110014603",
        "0110014605",
        &["1110014601", "1110014602"],
        "1110014605",
    ),
];

fn case_for(sku: &str, no: &str) -> Case {
    if let Some((_, ok, inq, pay, pend_ok, pend_fail)) = TEST_NUMBERS.iter().find(|r| r.0 == sku) {
        if let Some((_, n)) = ok.iter().find(|(x, _)| *x == no) {
            return Case::Bills(*n);
        }
        if no == *inq {
            return Case::InquiryFail("02", "Transaksi Gagal");
        }
        if no == *pay {
            return Case::PayFail;
        }
        if pend_ok.contains(&no) {
            return Case::PendingThen(true);
        }
        if no == *pend_fail {
            return Case::PendingThen(false);
        }
    }
    if no.ends_with("0060") {
        Case::InquiryFail("60", "Tagihan belum tersedia")
    } else if no.len() < 6 || no.ends_with("0054") || !no.chars().all(|c| c.is_ascii_digit()) {
        Case::InquiryFail("54", "Nomor Tujuan Salah")
    } else {
        Case::Bills(1)
    }
}

fn sheets_of(case: Case) -> usize {
    match case {
        Case::Bills(n) => n,
        _ => 1,
    }
}

/// A stable bill amount per period for a number (or the test's override).
fn amount_for(st: &State, sku: &str, no: &str) -> i64 {
    if let Some(a) = st.bill_amounts.get(no) {
        return *a;
    }
    let digest = sign("bill", sku, no);
    let n = i64::from_str_radix(&digest[..6], 16).unwrap_or(0);
    45_000 + (n % 400) * 500
}

/// `YYYYMM` of the `back`-th month before `today`'s.
fn period(today: NaiveDate, back: u32) -> String {
    let months = today.year() * 12 + today.month0() as i32 - back as i32;
    format!("{:04}{:02}", months.div_euclid(12), months.rem_euclid(12) + 1)
}

fn names(sku: &str) -> &'static str {
    match sku {
        "pln" => "SUPRIYADI",
        "pdam" => "HJ. SITI AMINAH",
        "bpjs" => "KELUARGA RAHMAN",
        "multifinance" => "ANDI PRATAMA",
        "internet" => "CV MAJU BERSAMA",
        "tv" => "DEWI LESTARI",
        _ => "PELANGGAN SIMULASI",
    }
}

/// The inquiry answer for a number with bills.
fn bill_data(st: &State, req: &TransactionReq, sheets: usize, today: NaiveDate) -> TransactionData {
    let (admin_each, commission_each) =
        PASCA.iter().find(|p| p.0 == req.buyer_sku_code).map(|p| (p.3, p.4)).unwrap_or((2_500, 500));
    let amount = amount_for(st, &req.buyer_sku_code, &req.customer_no);
    let sku = req.buyer_sku_code.as_str();
    let mut details = Vec::new();
    let mut meter = 10_000 + (amount / 100);
    for i in (0..sheets).rev() {
        let penalty = if i > 0 { 5_000 } else { 0 };
        let mut row = json!({"periode": period(today, i as u32 + 1), "nilai_tagihan": amount.to_string(),
                             "admin": admin_each.to_string(), "denda": penalty.to_string()});
        match sku {
            "pln" => {
                row["meter_awal"] = json!(format!("{:08}", meter));
                meter += 150 + amount / 1_000;
                row["meter_akhir"] = json!(format!("{:08}", meter));
            }
            "pdam" => row["biaya_lain"] = json!("0"),
            "pgas" => row["usage"] = json!(format!("{} m3", 10 + amount / 10_000)),
            "tv" => row["no_ref"] = json!(format!("REF{}{}", req.customer_no, i)),
            _ => {}
        }
        details.push(row);
    }
    let bill: i64 = (0..sheets).map(|i| amount + if i > 0 { 5_000 } else { 0 }).sum();
    let admin = admin_each * sheets as i64;
    let mut desc = json!({"lembar_tagihan": sheets, "detail": details});
    match sku {
        "pln" => {
            desc["tarif"] = json!("R1");
            desc["daya"] = json!(1300);
        }
        "pdam" => {
            desc["alamat"] = json!("JL. MERDEKA NO. 10");
            desc["jatuh_tempo"] = json!(format!("20{}", &period(today, 0)[2..]) + "20");
        }
        "bpjs" => {
            desc["jumlah_peserta"] = json!("3");
            desc["alamat"] = json!("JAKARTA PUSAT");
        }
        "multifinance" => {
            desc["item_name"] = json!("HONDA BEAT");
            desc["no_rangka"] = json!("MH1JM1234KK567890");
            desc["no_pol"] = json!("B 1234 XYZ");
            desc["tenor"] = json!("024");
        }
        _ => {}
    }
    let periode =
        if sheets == 1 { period(today, 1) } else { format!("{} - {}", period(today, sheets as u32), period(today, 1)) };
    TransactionData {
        ref_id: req.ref_id.clone(),
        customer_no: req.customer_no.clone(),
        buyer_sku_code: req.buyer_sku_code.clone(),
        customer_name: names(sku).into(),
        admin: Some(admin),
        message: "Transaksi Sukses".into(),
        status: "Sukses".into(),
        rc: "00".into(),
        periode,
        buyer_last_saldo: Some(st.deposit),
        price: Some(bill + admin - commission_each * sheets as i64),
        selling_price: Some(bill + admin),
        desc: Some(desc),
        ..Default::default()
    }
}

/// What a postpaid command does: the answer, and a webhook to send later (the final
/// data and its target) for a pending payment.
pub(super) fn handle(
    st: &mut State,
    req: &TransactionReq,
    command: &str,
    today: NaiveDate,
) -> (poem::Response, Option<(TransactionData, Option<String>)>) {
    st.pasca_log.push((command.to_string(), req.ref_id.clone()));
    match command {
        "inq-pasca" => (inquire(st, req, today), None),
        "pay-pasca" => pay(st, req, today),
        "status-pasca" => (status(st, req), None),
        _ => (rc_error("40", "Payload Error"), None),
    }
}

fn known_sku(st: &State, sku: &str) -> bool {
    st.pasca_catalogue.iter().any(|i| {
        i.buyer_sku_code == sku && i.buyer_product_status == Some(true) && i.seller_product_status == Some(true)
    })
}

fn ok(data: &TransactionData) -> poem::Response {
    answer(poem::http::StatusCode::OK, json!({ "data": data }))
}

fn gagal(req: &TransactionReq, rc: &str, message: &str, deposit: i64) -> poem::Response {
    ok(&TransactionData {
        ref_id: req.ref_id.clone(),
        customer_no: req.customer_no.clone(),
        buyer_sku_code: req.buyer_sku_code.clone(),
        message: message.into(),
        status: "Gagal".into(),
        rc: rc.into(),
        buyer_last_saldo: Some(deposit),
        ..Default::default()
    })
}

fn inquire(st: &mut State, req: &TransactionReq, today: NaiveDate) -> poem::Response {
    if !known_sku(st, &req.buyer_sku_code) {
        return rc_error("43", "SKU tidak di temukan atau Non-Aktif");
    }
    if let Some(b) = st.bills.get(&req.ref_id) {
        if b.sku != req.buyer_sku_code || b.customer_no != req.customer_no {
            return rc_error("49", "Ref ID tidak unik");
        }
        return ok(&b.data);
    }
    st.inquiries += 1;
    let case = case_for(&req.buyer_sku_code, &req.customer_no);
    if let Case::InquiryFail(rc, message) = case {
        return gagal(req, rc, message, st.deposit);
    }
    let data = bill_data(st, req, sheets_of(case), today);
    st.bills.insert(
        req.ref_id.clone(),
        SimBill {
            sku: req.buyer_sku_code.clone(),
            customer_no: req.customer_no.clone(),
            on: today,
            data: data.clone(),
        },
    );
    ok(&data)
}

fn pay(
    st: &mut State,
    req: &TransactionReq,
    today: NaiveDate,
) -> (poem::Response, Option<(TransactionData, Option<String>)>) {
    if let Some(tx) = st.txs.get(&req.ref_id) {
        let current = tx.final_data.clone().unwrap_or_else(|| tx.data.clone());
        if current.buyer_sku_code != req.buyer_sku_code || current.customer_no != req.customer_no {
            return (rc_error("49", "Ref ID tidak unik"), None);
        }
        return (ok(&current), None);
    }
    let Some(bill) = st.bills.get(&req.ref_id).cloned() else {
        return (gagal(req, "50", "Transaksi Tidak Ditemukan: lakukan inquiry dahulu", st.deposit), None);
    };
    if bill.sku != req.buyer_sku_code || bill.customer_no != req.customer_no {
        return (rc_error("49", "Ref ID tidak unik"), None);
    }
    if bill.on != today {
        return (gagal(req, "02", "Inquiry kadaluarsa: pembayaran hanya pada tanggal inquiry", st.deposit), None);
    }
    let price = bill.data.price.unwrap_or(0);
    if st.deposit < price {
        return (rc_error("44", "Saldo tidak cukup"), None);
    }
    st.purchases += 1;
    let base = TransactionData { trx_id: format!("SIM{}", st.purchases), ..bill.data.clone() };
    let paid = |st: &mut State| decided(st, &base, &Outcome::Deliver, price);
    let failed = |st: &mut State| decided(st, &base, &Outcome::Fail("02".into()), price);
    let case = case_for(&req.buyer_sku_code, &req.customer_no);
    let (data, later) = match case {
        Case::PayFail => (failed(st), None),
        Case::PendingThen(good) => {
            let pending = TransactionData {
                message: "Transaksi Pending".into(),
                status: "Pending".into(),
                rc: "03".into(),
                buyer_last_saldo: Some(st.deposit),
                ..base.clone()
            };
            let fin = if good { paid(st) } else { failed(st) };
            (pending, Some(fin))
        }
        _ => (paid(st), None),
    };
    st.txs.insert(req.ref_id.clone(), SimTx { data: data.clone(), final_data: None });
    let target = req.cb_url.clone().or_else(|| st.cfg.webhook_url.clone());
    (ok(&data), later.map(|fin| (fin, target)))
}

fn status(st: &State, req: &TransactionReq) -> poem::Response {
    match st.txs.get(&req.ref_id) {
        Some(tx) => {
            let current = tx.final_data.clone().unwrap_or_else(|| tx.data.clone());
            if current.buyer_sku_code != req.buyer_sku_code || current.customer_no != req.customer_no {
                return rc_error("49", "Ref ID tidak unik");
            }
            ok(&current)
        }
        None => gagal(req, "50", "Data belum ada", st.deposit),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_count_back_across_years() {
        let d = NaiveDate::from_ymd_opt(2026, 2, 10).unwrap();
        assert_eq!(period(d, 1), "202601");
        assert_eq!(period(d, 2), "202512");
        assert_eq!(period(d, 14), "202412");
    }

    #[test]
    fn the_documented_numbers() {
        assert_eq!(case_for("pln", "530000000002"), Case::Bills(2));
        assert_eq!(case_for("pln", "530000000003"), Case::InquiryFail("02", "Transaksi Gagal"));
        assert_eq!(case_for("pdam", "1013230"), Case::PayFail);
        assert_eq!(case_for("bpjs", "9801234560001"), Case::PendingThen(true));
        assert_eq!(case_for("internet", "7391601005"), Case::PendingThen(false));
        assert_eq!(case_for("pln", "111111110060"), Case::InquiryFail("60", "Tagihan belum tersedia"));
        assert_eq!(case_for("pln", "123"), Case::InquiryFail("54", "Nomor Tujuan Salah"));
        assert_eq!(case_for("pln", "123456789"), Case::Bills(1));
    }
}
