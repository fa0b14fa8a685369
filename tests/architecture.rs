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

/// One transition function moves a withdrawal: the SQL that sets a withdrawal's
/// `status` lives only in `wallet/repo.rs` `move_withdrawal`, and only
/// `wallet/service.rs` `move_withdrawal` (which checks the move, returns a rejected
/// amount, notifies and audits in the same transaction) calls it.
#[test]
fn only_one_function_moves_a_withdrawal() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let (repo, service) = (src.join("wallet").join("repo.rs"), src.join("wallet").join("service.rs"));
    let state = regex::Regex::new(r"(?i)(^|[\s,])status\s*=").unwrap();
    let mut offenders = Vec::new();
    let mut writes = 0;
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        for (line, set) in updates(&text, "withdrawals") {
            if !state.is_match(&set) {
                continue;
            }
            if file == &repo && enclosing_fn(&text, line) == "move_withdrawal" {
                writes += 1;
            } else {
                offenders.push(format!("{}:{line}: UPDATE withdrawals SET {}", file.display(), set.trim()));
            }
        }
        for (n, l) in text.lines().enumerate() {
            if l.contains("repo::move_withdrawal(")
                && !(file == &service && enclosing_fn(&text, n + 1) == "move_withdrawal")
            {
                offenders.push(format!(
                    "{}:{}: calls repo::move_withdrawal outside the transition",
                    file.display(),
                    n + 1
                ));
            }
        }
    }
    assert!(offenders.is_empty(), "withdrawal status written outside its one transition:\n{}", offenders.join("\n"));
    assert_eq!(writes, 1, "the transition's own update was found");
}

/// The H2H state machines (an API key's status, a callback's status) are each written
/// by one function of `h2h/repo.rs`: `set_status` (called only by the service's
/// `move_key`) and `move_callback`.
#[test]
fn one_function_moves_each_h2h_state() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let repo = src.join("h2h").join("repo.rs");
    let state = regex::Regex::new(r"(?i)(^|[\s,])status\s*=").unwrap();
    let mut offenders = Vec::new();
    let mut writes = 0;
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        for (table, owner) in [("api_keys", "set_status"), ("h2h_callbacks", "move_callback")] {
            for (line, set) in updates(&text, table) {
                if !state.is_match(&set) {
                    continue;
                }
                if file == &repo && enclosing_fn(&text, line) == owner {
                    writes += 1;
                } else {
                    offenders.push(format!("{}:{line}: UPDATE {table} SET {}", file.display(), set.trim()));
                }
            }
        }
    }
    assert!(offenders.is_empty(), "H2H status written outside its one function:\n{}", offenders.join("\n"));
    assert_eq!(writes, 2, "both transitions' own updates were found");
    // A key's status moves only through `h2h/service.rs` `move_key`.
    let service = src.join("h2h").join("service.rs");
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        for (n, l) in text.lines().enumerate() {
            if l.contains("repo::set_status(") && !(file == &service && enclosing_fn(&text, n + 1) == "move_key") {
                panic!("{}:{}: calls repo::set_status outside move_key", file.display(), n + 1);
            }
        }
    }
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
                    offenders.push(format!(
                        "{}:{line}: in fn {owner}: UPDATE {table} SET {}",
                        file.display(),
                        set.trim()
                    ));
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
    text.lines().take(line).filter_map(|l| re.captures(l).map(|c| c[1].to_string())).last().unwrap_or_default()
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

/// The layer table of ARCHITECTURE.md: module -> row number.
fn layers() -> std::collections::BTreeMap<String, usize> {
    let doc = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("ARCHITECTURE.md")).unwrap();
    let name = regex::Regex::new(r"`([a-z_][a-z0-9_]*)`").unwrap();
    let mut out = std::collections::BTreeMap::new();
    for line in doc.lines() {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        // | # | Layer | Modules | What |
        let Some(row) = cells.get(1).and_then(|c| c.parse::<usize>().ok()) else { continue };
        for m in name.captures_iter(cells.get(3).copied().unwrap_or_default()) {
            assert!(out.insert(m[1].to_string(), row).is_none(), "{} is in two rows of the layer table", &m[1]);
        }
    }
    assert!(out.len() > 20, "the layer table was read ({} modules)", out.len());
    out
}

/// The top-level modules of the crate (files and folders of `src/`), but the roots.
fn top_modules() -> Vec<String> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out: Vec<String> = std::fs::read_dir(&src)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter_map(|p| {
            let stem = p.file_stem()?.to_str()?.to_string();
            (p.is_dir() || p.extension().is_some_and(|e| e == "rs")).then_some(stem)
        })
        .filter(|m| m != "lib" && m != "main")
        .collect();
    out.sort();
    out
}

/// (line number, top-level module) of every `crate::` path in a file, `use crate::{a,
/// b::c}` groups included; the file's `#[cfg(test)]` part is left out.
fn crate_paths(text: &str) -> Vec<(usize, String)> {
    let code = text.split("#[cfg(test)]").next().unwrap_or(text);
    let mut out = Vec::new();
    let inline = regex::Regex::new(r"crate::([a-z_][a-z0-9_]*)").unwrap();
    for (n, line) in code.lines().enumerate() {
        let l = line.trim_start();
        if l.starts_with("//") {
            continue;
        }
        for c in inline.captures_iter(line) {
            out.push((n + 1, c[1].to_string()));
        }
    }
    // `use crate::{ a, b::{..}, c }`: the names at depth one.
    let group = regex::Regex::new(r"(?s)use crate::\{(.*?)\};").unwrap();
    for g in group.captures_iter(code) {
        let start = code[..g.get(0).unwrap().start()].lines().count().max(1);
        let body = &g[1];
        let (mut depth, mut token, mut line) = (0, String::new(), start);
        for ch in body.chars() {
            match ch {
                '{' => depth += 1,
                '}' => depth -= 1,
                '\n' => line += 1,
                _ => {}
            }
            if depth == 0 && (ch == ',' || ch == '\n') {
                let name = token.trim().split("::").next().unwrap_or("").trim().to_string();
                if !name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_') {
                    out.push((line, name));
                }
                token.clear();
            } else if depth == 0 && ch != '{' {
                token.push(ch);
            }
        }
        let name = token.trim().split("::").next().unwrap_or("").trim().to_string();
        if !name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_') {
            out.push((line, name));
        }
    }
    out
}

fn module_of(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).unwrap();
    rel.components().next().unwrap().as_os_str().to_str().unwrap().trim_end_matches(".rs").to_string()
}

/// Imports only go down the layer table, and every module is in it.
#[test]
fn imports_only_go_down_the_layers() {
    let table = layers();
    let modules = top_modules();
    let missing: Vec<_> = modules.iter().filter(|m| !table.contains_key(*m)).collect();
    assert!(missing.is_empty(), "modules missing from the layer table in ARCHITECTURE.md: {missing:?}");
    let stale: Vec<_> = table.keys().filter(|m| !modules.contains(m)).collect();
    assert!(stale.is_empty(), "the layer table names modules that do not exist: {stale:?}");

    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut offenders = Vec::new();
    let mut checked = 0;
    for file in &files {
        let from = module_of(&src, file);
        let Some(&from_row) = table.get(&from) else { continue };
        let text = std::fs::read_to_string(file).unwrap();
        for (line, to) in crate_paths(&text) {
            if to == from {
                continue;
            }
            checked += 1;
            match table.get(&to) {
                Some(&to_row) if to_row < from_row => {}
                Some(&to_row) => offenders.push(format!(
                    "{}:{line}: {from} (row {from_row}) uses {to} (row {to_row})",
                    file.strip_prefix(&src).unwrap().display()
                )),
                None => {}
            }
        }
    }
    assert!(checked > 200, "imports were found ({checked})");
    assert!(offenders.is_empty(), "imports that do not go down a layer:\n{}", offenders.join("\n"));
}

/// The reader of imports finds grouped and inline paths, and nothing in tests.
#[test]
fn the_import_reader_sees_groups_and_inline_paths() {
    let text = "use crate::{\n    app::App,\n    db::{query, DbError},\n    orders,\n};\nfn f() { crate::wallet::ledger::check(c); }\n#[cfg(test)]\nmod tests { use crate::http; }\n";
    let found: Vec<String> = crate_paths(text).into_iter().map(|(_, m)| m).collect();
    for m in ["app", "db", "orders", "wallet"] {
        assert!(found.contains(&m.to_string()), "{m} in {found:?}");
    }
    assert!(!found.contains(&"http".to_string()));
    assert!(!found.contains(&"query".to_string()), "nested names are not modules: {found:?}");
}

/// Every feature has `api.rs`, `model.rs`, `repo.rs` and `service.rs`.
#[test]
fn every_feature_has_the_four_files() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let features = [
        "accounts",
        "audit",
        "auth",
        "catalog",
        "content",
        "jobs",
        "notifications",
        "orders",
        "pricing",
        "reports",
        "settings",
        "supplier",
        "vouchers",
        "wallet",
    ];
    let mut missing = Vec::new();
    for f in features {
        for file in ["api.rs", "model.rs", "repo.rs", "service.rs"] {
            if !src.join(f).join(file).exists() {
                missing.push(format!("{f}/{file}"));
            }
        }
    }
    assert!(missing.is_empty(), "missing: {missing:?}");
}

/// The string literals of Rust source, with the line each starts on (normal strings
/// with escapes, and raw strings `r"..."`, `r#"..."#`). Comments are skipped.
fn literals(code: &str) -> Vec<(usize, String)> {
    let b = code.as_bytes();
    let (mut i, mut line, mut out) = (0, 1, Vec::new());
    while i < b.len() {
        match b[i] {
            b'\n' => line += 1,
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'\'' => {
                // A char literal ('"', '\'') or a lifetime: skip the quoted char only.
                if b.get(i + 2) == Some(&b'\'') {
                    i += 3;
                    continue;
                }
                if b.get(i + 1) == Some(&b'\\') && b.get(i + 3) == Some(&b'\'') {
                    i += 4;
                    continue;
                }
            }
            b'r' if (b.get(i + 1) == Some(&b'"') || b.get(i + 1) == Some(&b'#'))
                && (i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_')) =>
            {
                let mut j = i + 1;
                let mut hashes = 0;
                while b.get(j) == Some(&b'#') {
                    hashes += 1;
                    j += 1;
                }
                if b.get(j) == Some(&b'"') {
                    let close = format!("\"{}", "#".repeat(hashes));
                    let start = j + 1;
                    let end = code[start..].find(&close).map(|e| start + e).unwrap_or(b.len());
                    out.push((line, code[start..end].to_string()));
                    line += code[start..end].matches('\n').count();
                    i = end + close.len();
                    continue;
                }
            }
            b'"' => {
                let start_line = line;
                let mut j = i + 1;
                let mut text = String::new();
                while j < b.len() && b[j] != b'"' {
                    if b[j] == b'\\' {
                        j += 1;
                    }
                    if j < b.len() {
                        if b[j] == b'\n' {
                            line += 1;
                        }
                        text.push(b[j] as char);
                    }
                    j += 1;
                }
                out.push((start_line, text));
                i = j + 1;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// Lines where a string literal holds SQL (upper-case statement keywords).
fn sql_lines(text: &str) -> Vec<usize> {
    let code = text.split("#[cfg(test)]").next().unwrap_or(text);
    let kw = regex::Regex::new(
        r"\bSELECT\b[\s\S]*\bFROM\b|\bINSERT\s+INTO\b|\bUPDATE\s+\w+\s+SET\b|\bDELETE\s+FROM\b|\bCREATE\s+TABLE\b",
    )
    .unwrap();
    literals(code).into_iter().filter(|(_, s)| kw.is_match(s)).map(|(l, _)| l).collect()
}

/// All SQL is in `repo.rs` files (and `db/`, and the benchmark's raw-rusqlite baseline);
/// handlers do not touch the database.
#[test]
fn sql_lives_in_repo_files_and_handlers_stay_thin() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut sql_elsewhere = Vec::new();
    let mut in_repos = 0;
    let mut handlers_with_db = Vec::new();
    for file in &files {
        let rel = file.strip_prefix(&src).unwrap().to_string_lossy().to_string();
        let text = std::fs::read_to_string(file).unwrap();
        let lines = sql_lines(&text);
        if rel.ends_with("repo.rs") {
            in_repos += lines.len();
        } else if !(rel.starts_with("db/") || rel == "bench/mod.rs") {
            sql_elsewhere.extend(lines.iter().map(|l| format!("{rel}:{l}")));
        }
        if rel.ends_with("api.rs") || rel.starts_with("http/") {
            for (n, line) in text.lines().enumerate() {
                // The health check's `SELECT 1` (`db.ping()`) is the edge's own probe.
                let db = line.contains(".db.") && !line.contains(".db.ping()");
                if db || line.contains("db.read(") || line.contains("db.write(") || line.contains("rusqlite") {
                    handlers_with_db.push(format!("{rel}:{}", n + 1));
                }
            }
        }
    }
    assert!(in_repos > 150, "the SQL of repo.rs files was found ({in_repos})");
    assert!(sql_elsewhere.is_empty(), "SQL outside repo.rs:\n{}", sql_elsewhere.join("\n"));
    assert!(handlers_with_db.is_empty(), "HTTP handlers reaching into the database:\n{}", handlers_with_db.join("\n"));
}

/// The SQL finder sees one-line and multi-line statements, and no prose.
#[test]
fn the_sql_finder_sees_statements() {
    let text = "let a = \"SELECT id FROM t\";\nc.execute(\n  \"UPDATE transactions\n   SET x = 1\", [])?;\nlet b = \"we SELECT nothing here\";\nlet c = r#\"DELETE FROM x \"quoted\"\"#;\nlet q = '\"'; let d = \"INSERT INTO y\";\n";
    assert_eq!(sql_lines(text), vec![1, 3, 6, 7]);
    assert!(sql_lines("/// SELECT x FROM y, in a comment\nfn f() {}\n").is_empty());
}

/// The console is ES modules: `app.js` holds the session and routes, the toolkit is in
/// `lib/`, and every page the menu links to is its own module that `app.js` routes to.
#[test]
fn the_console_is_one_module_per_page() {
    let admin = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets").join("admin");
    let app = std::fs::read_to_string(admin.join("app.js")).unwrap();
    let index = std::fs::read_to_string(admin.join("index.html")).unwrap();
    assert!(index.contains(r#"<script type="module" src="/admin/app.js">"#));
    let links = regex::Regex::new(r##"href="#/(\w+)""##).unwrap();
    let mut pages: Vec<String> = links.captures_iter(&index).map(|c| c[1].to_string()).collect();
    assert!(pages.len() >= 10, "the menu was read: {pages:?}");
    pages.extend(["order", "product", "user"].map(String::from));
    for page in &pages {
        let file = admin.join("pages").join(format!("{page}.js"));
        let text = std::fs::read_to_string(&file).unwrap_or_else(|_| panic!("pages/{page}.js is missing"));
        assert!(text.contains(&format!("export default async function {page}(")), "pages/{page}.js exports its page");
        assert!(app.contains(&format!("from './pages/{page}.js'")), "app.js routes to pages/{page}.js");
    }
    for lib in ["dom", "api", "table", "dialog", "chart", "format"] {
        assert!(admin.join("lib").join(format!("{lib}.js")).exists(), "lib/{lib}.js");
    }
    assert!(app.lines().count() < 120, "app.js is the session and the routes only ({} lines)", app.lines().count());
    assert!(!app.contains("fetch("), "only lib/api.js talks to lapak");
}

/// Every Rust file in tests/ is a module of the one test binary (autotests are off, so a
/// file left out of tests/main.rs would silently never run).
#[test]
fn every_test_file_is_a_module_of_the_suite() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let main = std::fs::read_to_string(dir.join("main.rs")).unwrap();
    let declared: std::collections::HashSet<&str> =
        main.lines().filter_map(|l| l.strip_prefix("mod ")?.strip_suffix(';')).collect();
    let mut files = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let Some(stem) = path.file_stem().and_then(|s| s.to_str()) else { continue };
        if path.extension().is_some_and(|e| e == "rs") && stem != "main" {
            files += 1;
            assert!(declared.contains(stem), "tests/{stem}.rs is not declared in tests/main.rs: add `mod {stem};`");
        }
    }
    assert!(files > 20 && declared.contains("common"), "{files} files, {declared:?}");
}
