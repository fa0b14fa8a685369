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

/// The state machine's statements: the functions of `orders/repo.rs` that write an
/// order's state, which only `orders/lifecycle.rs` may call.
const STATE_WRITERS: [&str; 4] = ["move_state", "move_payment", "mark_refund_required", "set_attention"];

/// One transition function moves an order: the SQL that sets an order's `status`,
/// `payment_status`, `refund_required` or `attention`, or a payment's `status`, lives
/// only in `orders/repo.rs`'s state-writer functions, and only `orders/lifecycle.rs`
/// calls them.
#[test]
fn only_the_lifecycle_moves_an_order() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    assert!(files.len() > 20, "src/ was read");
    let repo = src.join("orders").join("repo.rs");
    let lifecycle = src.join("orders").join("lifecycle.rs");
    let state = regex::Regex::new(r"(?i)(^|[\s,])(status|payment_status|refund_required|attention)\s*=").unwrap();
    let mut offenders = Vec::new();
    let mut writes_in_repo = 0;
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        for table in ["transactions", "payments"] {
            for (line, set) in updates(&text, table) {
                if !state.is_match(&set) {
                    continue;
                }
                if file == &repo {
                    let owner = enclosing_fn(&text, line);
                    if STATE_WRITERS.contains(&owner.as_str()) {
                        writes_in_repo += 1;
                        continue;
                    }
                    offenders.push(format!("{}:{line}: in fn {owner}: UPDATE {table} SET {}", file.display(), set.trim()));
                } else {
                    offenders.push(format!("{}:{line}: UPDATE {table} SET {}", file.display(), set.trim()));
                }
            }
        }
        if file != &lifecycle {
            for (n, l) in text.lines().enumerate() {
                for w in STATE_WRITERS {
                    let call = format!("repo::{w}(");
                    if l.contains(&call) {
                        offenders.push(format!("{}:{}: calls {call}..) outside the lifecycle", file.display(), n + 1));
                    }
                }
            }
        }
    }
    assert!(offenders.is_empty(), "order state written outside the lifecycle:\n{}", offenders.join("\n"));
    assert!(writes_in_repo >= 4, "the state writers' own updates were found ({writes_in_repo})");
}

/// The name of the function a line sits in (the nearest `fn name(` above it).
fn enclosing_fn(text: &str, line: usize) -> String {
    let re = regex::Regex::new(r"\bfn\s+(\w+)\s*[<(]").unwrap();
    text.lines()
        .take(line)
        .filter_map(|l| re.captures(l).map(|c| c[1].to_string()))
        .last()
        .unwrap_or_default()
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
