//! Indonesian mobile operators by number prefix, and the pulsa/data check that uses it.
//! E-money and game top-ups are never checked (the seed blocked DANA/OVO top-ups
//! because a phone's operator is not the e-wallet's brand).

use crate::text::normalize_phone;

/// (prefix, operator). by.U numbers run on Telkomsel's network but are sold apart.
const PREFIXES: &[(&str, &str)] = &[
    ("0811", "Telkomsel"),
    ("0812", "Telkomsel"),
    ("0813", "Telkomsel"),
    ("0821", "Telkomsel"),
    ("0822", "Telkomsel"),
    ("0823", "Telkomsel"),
    ("0852", "Telkomsel"),
    ("0853", "Telkomsel"),
    ("0851", "by.U"),
    ("0814", "Indosat"),
    ("0815", "Indosat"),
    ("0816", "Indosat"),
    ("0855", "Indosat"),
    ("0856", "Indosat"),
    ("0857", "Indosat"),
    ("0858", "Indosat"),
    ("0817", "XL"),
    ("0818", "XL"),
    ("0819", "XL"),
    ("0859", "XL"),
    ("0877", "XL"),
    ("0878", "XL"),
    ("0831", "Axis"),
    ("0832", "Axis"),
    ("0833", "Axis"),
    ("0838", "Axis"),
    ("0895", "Tri"),
    ("0896", "Tri"),
    ("0897", "Tri"),
    ("0898", "Tri"),
    ("0899", "Tri"),
    ("0881", "Smartfren"),
    ("0882", "Smartfren"),
    ("0883", "Smartfren"),
    ("0884", "Smartfren"),
    ("0885", "Smartfren"),
    ("0886", "Smartfren"),
    ("0887", "Smartfren"),
    ("0888", "Smartfren"),
    ("0889", "Smartfren"),
];

/// The operator of a number, if its prefix is known.
pub fn operator_of(phone: &str) -> Option<&'static str> {
    let local = normalize_phone(phone)?;
    PREFIXES.iter().find(|(p, _)| local.starts_with(p)).map(|(_, op)| *op)
}

/// The operator a product brand sells for ("TELKOMSEL" -> Telkomsel, "INDOSAT" -> Indosat).
pub fn operator_of_brand(brand: &str) -> Option<&'static str> {
    let b = brand.trim().to_lowercase().replace([' ', '.'], "");
    Some(match b.as_str() {
        "telkomsel" | "tsel" => "Telkomsel",
        "byu" => "by.U",
        "indosat" | "im3" | "indosatooredoo" => "Indosat",
        "xl" | "xlaxiata" => "XL",
        "axis" => "Axis",
        "tri" | "three" | "3" => "Tri",
        "smartfren" => "Smartfren",
        _ => return None,
    })
}

/// Pulsa and data orders must go to a number of the product's operator.
pub fn check_operator(product_type: &str, brand: &str, phone: Option<&str>) -> Result<(), String> {
    if !matches!(product_type, "pulsa" | "data") {
        return Ok(());
    }
    let (Some(want), Some(phone)) = (operator_of_brand(brand), phone) else {
        return Ok(());
    };
    match operator_of(phone) {
        Some(got) if got != want => Err(format!("{phone} is a {got} number; this product is for {want} numbers")),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes() {
        let cases = [
            ("081234567890", Some("Telkomsel")),
            ("+6285612345678", Some("Indosat")),
            ("087812345678", Some("XL")),
            ("083112345678", Some("Axis")),
            ("089612345678", Some("Tri")),
            ("088112345678", Some("Smartfren")),
            ("085112345678", Some("by.U")),
            ("080012345678", None),
        ];
        for (phone, op) in cases {
            assert_eq!(operator_of(phone), op, "{phone}");
        }
    }

    #[test]
    fn only_pulsa_and_data_are_checked() {
        assert!(check_operator("pulsa", "TELKOMSEL", Some("081234567890")).is_ok());
        assert!(check_operator("pulsa", "TELKOMSEL", Some("085612345678")).unwrap_err().contains("Indosat"));
        assert!(check_operator("data", "XL", Some("081234567890")).is_err());
        assert!(check_operator("emoney", "DANA", Some("081234567890")).is_ok(), "e-wallets are not operators");
        assert!(check_operator("pulsa", "TELKOMSEL", Some("080012345678")).is_ok(), "unknown prefix passes");
        assert!(check_operator("game", "MOBILE LEGENDS", None).is_ok());
    }
}
