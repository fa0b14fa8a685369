//! Input hygiene for text people type: names are NFC-normalized, trimmed and free of
//! control and invisible format characters; passwords are checked by zxcvbn, the
//! strength estimator, against common and trivial choices and the user's own details.

use unicode_normalization::UnicodeNormalization;

/// Characters that render as nothing or reorder text: zero-width spaces and joiners,
/// bidirectional overrides and isolates, the word joiner, the BOM, the soft hyphen.
fn invisible(c: char) -> bool {
    matches!(c, '\u{00AD}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

/// A name as stored: NFC, trimmed, at most `max` characters. Refused (with the reason)
/// when it holds a control or invisible character, or nothing visible at all.
pub fn clean_name(raw: &str, max: usize) -> Result<String, String> {
    let nfc: String = raw.nfc().collect();
    if nfc.chars().any(|c| c.is_control() || invisible(c)) {
        return Err("must not contain control or invisible characters".into());
    }
    let trimmed = nfc.trim();
    if trimmed.is_empty() {
        return Err("must not be blank".into());
    }
    if trimmed.chars().count() > max {
        return Err(format!("must be at most {max} characters"));
    }
    Ok(trimmed.to_string())
}

/// Whether a text holds a control or invisible character (e-mail addresses, codes).
pub fn has_hidden(raw: &str) -> bool {
    raw.chars().any(|c| c.is_control() || invisible(c))
}

/// Why a password is refused, if it is: control characters, or a zxcvbn score below 2
/// ("somewhat guessable") given the user's own e-mail, name and phone.
pub fn password_problem(password: &str, user_inputs: &[&str]) -> Option<String> {
    if password.chars().any(|c| c.is_control()) {
        return Some("the password must not contain control characters".into());
    }
    if password.trim().is_empty() {
        return Some("the password must not be only spaces".into());
    }
    let inputs: Vec<&str> = user_inputs.iter().copied().filter(|s| !s.is_empty()).collect();
    let estimate = zxcvbn::zxcvbn(password, &inputs);
    if u8::from(estimate.score()) >= 2 {
        return None;
    }
    let hint = estimate
        .feedback()
        .and_then(|f| f.warning().map(|w| w.to_string()))
        .unwrap_or_else(|| "it is too easy to guess".into());
    Some(format!("this password is too weak: {hint}; add words or characters that are harder to guess"))
}

/// Lower-cased and trimmed; a light check (a mailbox, an @, a dotted domain).
pub fn normalize_email(raw: &str) -> Option<String> {
    let email = raw.trim().to_lowercase();
    let (local, domain) = email.split_once('@')?;
    let ok = !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email.chars().any(|c| c.is_whitespace() || c == ',' || c == ';')
        && !has_hidden(&email)
        && email.matches('@').count() == 1
        && email.len() <= 255;
    ok.then_some(email)
}

/// An Indonesian mobile number in the local `08...` form (10 to 15 digits).
pub fn normalize_phone(raw: &str) -> Option<String> {
    let digits: String = raw.trim().chars().filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')')).collect();
    let local = if let Some(rest) = digits.strip_prefix("+62") {
        format!("0{rest}")
    } else if let Some(rest) = digits.strip_prefix("62") {
        format!("0{rest}")
    } else {
        digits
    };
    let ok = local.starts_with("08") && (10..=15).contains(&local.len()) && local.chars().all(|c| c.is_ascii_digit());
    ok.then_some(local)
}

/// `prefix` + 16 Crockford base-32 characters: 80 random bits, so the code cannot be
/// guessed (order codes, bill quotes and their inquiry ref_ids).
pub fn random_code(prefix: &str) -> String {
    use rand::RngCore;
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let mut bytes = [0u8; 10];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let bits = bytes.iter().fold(0u128, |acc, b| (acc << 8) | u128::from(*b));
    let mut out = String::from(prefix);
    for i in (0..16).rev() {
        out.push(ALPHABET[((bits >> (i * 5)) & 31) as usize] as char);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_normalise_to_local_form() {
        assert_eq!(normalize_phone("+62 812-3456-7890").as_deref(), Some("081234567890"));
        assert_eq!(normalize_phone("6281234567890").as_deref(), Some("081234567890"));
        assert_eq!(normalize_phone("081234567890").as_deref(), Some("081234567890"));
        assert_eq!(normalize_phone("021555123"), None);
        assert_eq!(normalize_phone("08abc"), None);
    }

    #[test]
    fn emails_are_checked_and_lowercased() {
        assert_eq!(normalize_email(" Budi@Example.COM ").as_deref(), Some("budi@example.com"));
        assert_eq!(normalize_email("no-at-sign"), None);
        assert_eq!(normalize_email("a@b"), None);
        assert_eq!(normalize_email("a@@b.com"), None);
    }

    #[test]
    fn names_are_normalized_and_hidden_characters_refused() {
        assert_eq!(clean_name("  Budi Santoso ", 255).unwrap(), "Budi Santoso");
        // "e" + combining acute becomes one NFC character.
        assert_eq!(clean_name("Rene\u{301}", 255).unwrap(), "Ren\u{e9}");
        for bad in ["\u{200B}", "   ", "Budi\u{0}", "Budi\u{1b}[31m", "a\u{202E}b", "\u{FEFF}x", "a\tb"] {
            assert!(clean_name(bad, 255).is_err(), "{bad:?} accepted");
        }
        assert!(clean_name(&"x".repeat(256), 255).is_err());
        assert!(has_hidden("a\u{200B}@example.com") && !has_hidden("a@example.com"));
    }

    #[test]
    fn weak_passwords_are_refused_and_ordinary_ones_pass() {
        let me = ["budi@example.com", "Budi Santoso", "081234567890"];
        for weak in
            ["12345678", "password", "        ", "\0\0\0\0\0\0\0\0", "budi@example.com", "qwertyuiop", "11111111"]
        {
            assert!(password_problem(weak, &me).is_some(), "{weak:?} accepted");
        }
        for fine in
            ["rahasia-123", "admin-pass-123", "new-secret-1", "brand-new-1", "kopi tubruk pagi", "e2e-admin-pass"]
        {
            assert_eq!(password_problem(fine, &me), None, "{fine:?} refused");
        }
    }
}

/// An amount as people read it in Indonesia: `Rp 6.088`, `-Rp 1.500`.
pub struct Rupiah(pub i64);

impl std::fmt::Display for Rupiah {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let digits = self.0.unsigned_abs().to_string();
        let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
        for (i, d) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                grouped.push('.');
            }
            grouped.push(d);
        }
        write!(f, "{}Rp {grouped}", if self.0 < 0 { "-" } else { "" })
    }
}

#[cfg(test)]
mod rupiah_tests {
    use super::Rupiah;

    #[test]
    fn amounts_are_grouped_with_dots() {
        assert_eq!(Rupiah(6088).to_string(), "Rp 6.088");
        assert_eq!(Rupiah(0).to_string(), "Rp 0");
        assert_eq!(Rupiah(999).to_string(), "Rp 999");
        assert_eq!(Rupiah(1_000_000).to_string(), "Rp 1.000.000");
        assert_eq!(Rupiah(-1500).to_string(), "-Rp 1.500");
    }
}
