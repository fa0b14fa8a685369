//! Rules of the code's shape, checked by reading `src/`.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every `UPDATE <table> SET ...` in a file, with its line number and its SET clause.
fn updates(text: &str, table: &str) -> Vec<(usize, String)> {
    let re = regex::Regex::new(&format!(r"(?is)\bUPDATE\s+{table}\s+SET\s+(.*?)(\bWHERE\b|;|$)")).unwrap();
    re.captures_iter(text)
        .map(|c| {
            let at = c.get(0).unwrap().start();
            (text[..at].lines().count().max(1), c[1].to_string())
        })
        .collect()
}

/// One transition function moves an order: nothing outside `orders/lifecycle.rs` sets an
/// order's `status`, `payment_status`, `refund_required` or `attention`, or a payment's
/// `status`.
#[test]
fn only_the_lifecycle_moves_an_order() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    assert!(files.len() > 20, "src/ was read");
    let lifecycle = src.join("orders").join("lifecycle.rs");
    let state = regex::Regex::new(r"(?i)(^|[\s,])(status|payment_status|refund_required|attention)\s*=").unwrap();
    let mut offenders = Vec::new();
    let mut seen_in_lifecycle = 0;
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        for table in ["transactions", "payments"] {
            for (line, set) in updates(&text, table) {
                if !state.is_match(&set) {
                    continue;
                }
                if file == &lifecycle {
                    seen_in_lifecycle += 1;
                } else {
                    offenders.push(format!("{}:{line}: UPDATE {table} SET {}", file.display(), set.trim()));
                }
            }
        }
    }
    assert!(offenders.is_empty(), "order state written outside orders/lifecycle.rs:\n{}", offenders.join("\n"));
    assert!(seen_in_lifecycle >= 3, "the lifecycle's own updates were found ({seen_in_lifecycle})");
}

/// The checker itself: it sees a status write inside a multi-line SQL string, and not
/// a `digiflazz_status` write.
#[test]
fn the_state_write_check_sees_what_it_should() {
    let sql = "tx.execute(\"UPDATE transactions SET digiflazz_status = ?2,\n   status = 'failed' WHERE id = ?1\")";
    let found = updates(sql, "transactions");
    assert_eq!(found.len(), 1);
    let state = regex::Regex::new(r"(?i)(^|[\s,])(status|payment_status|refund_required|attention)\s*=").unwrap();
    assert!(state.is_match(&found[0].1));
    let harmless = updates("\"UPDATE transactions SET digiflazz_status = ?2 WHERE id = ?1\"", "transactions");
    assert!(!state.is_match(&harmless[0].1));
}
