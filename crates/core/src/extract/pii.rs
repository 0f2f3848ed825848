//! Personal identifiers in filing text: 18-digit 身份证 numbers (checksum verified, GB 11643),
//! 统一社会信用代码 (18 characters, checksum verified, GB 32100), mobile phone numbers and bank
//! card / account numbers, found with char spans and masked for logs.
//!
//! Owns recognising and masking these numbers. It does not mask names (they are needed to
//! identify parties; logging policy for names lives where logs are written).

use super::amount::char_offset;
use regex::Regex;
use std::sync::OnceLock;

/// The kind of identifier found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PiiKind {
    /// 居民身份证号码 (18 digits, last may be X, checksum valid).
    IdCard,
    /// 统一社会信用代码 (18 characters, checksum valid).
    CreditCode,
    /// Mainland mobile number (11 digits starting 1[3-9]).
    Phone,
    /// Bank card or account number (12–19 digits, spaces allowed between groups of 4).
    BankCard,
}

/// One identifier found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PiiMatch {
    /// What it is.
    pub kind: PiiKind,
    /// First char (inclusive), counted in `char`s.
    pub start: usize,
    /// Last char (exclusive), counted in `char`s.
    pub end: usize,
    /// The matched text.
    pub text: String,
}

fn token_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        // Runs of ASCII letters/digits, allowing single spaces between groups of 4 digits
        // (card numbers are often printed `6222 0212 3456 7890`).
        Regex::new(r"[0-9A-Za-z]+(?: [0-9]{4})*").expect("static regex")
    })
}

/// True when `s` is an 18-character 身份证 number with a valid ISO 7064 MOD 11-2 checksum.
pub fn is_id_card(s: &str) -> bool {
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: &[u8; 11] = b"10X98765432";
    let b = s.as_bytes();
    if b.len() != 18 || !b[..17].iter().all(u8::is_ascii_digit) {
        return false;
    }
    let sum: u32 = b[..17]
        .iter()
        .zip(W)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    let want = CHECK[(sum % 11) as usize];
    b[17].to_ascii_uppercase() == want
}

/// True when `s` is an 18-character 统一社会信用代码 with a valid GB 32100-2015 checksum.
pub fn is_credit_code(s: &str) -> bool {
    const ALPHABET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    const W: [u32; 17] = [
        1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
    ];
    let chars: Vec<char> = s.chars().collect();
    if chars.len() != 18 {
        return false;
    }
    let mut vals = Vec::with_capacity(18);
    for c in &chars {
        match ALPHABET.find(c.to_ascii_uppercase()) {
            Some(i) => vals.push(i as u32),
            None => return false,
        }
    }
    // Pure digits are far more likely an ID card or account number.
    if chars.iter().all(char::is_ascii_digit) {
        return false;
    }
    let sum: u32 = vals[..17].iter().zip(W).map(|(v, w)| v * w).sum();
    let check = (31 - sum % 31) % 31;
    vals[17] == check
}

/// Finds identifiers in `text`, left to right, with char spans.
pub fn find_pii(text: &str) -> Vec<PiiMatch> {
    let mut out = Vec::new();
    for m in token_re().find_iter(text) {
        let tok = m.as_str();
        let compact: String = tok.chars().filter(|c| *c != ' ').collect();
        let all_digits = compact.chars().all(|c| c.is_ascii_digit());
        let kind = if is_id_card(&compact) {
            Some(PiiKind::IdCard)
        } else if is_credit_code(&compact) {
            Some(PiiKind::CreditCode)
        } else if all_digits
            && compact.len() == 11
            && compact.starts_with('1')
            && compact
                .as_bytes()
                .get(1)
                .is_some_and(|b| (b'3'..=b'9').contains(b))
        {
            Some(PiiKind::Phone)
        } else if all_digits && (12..=19).contains(&compact.len()) {
            Some(PiiKind::BankCard)
        } else {
            None
        };
        if let Some(kind) = kind {
            out.push(PiiMatch {
                kind,
                start: char_offset(text, m.start()),
                end: char_offset(text, m.end()),
                text: tok.to_owned(),
            });
        }
    }
    out
}

/// Masks one identifier: 身份证 and credit codes keep the first 6 (the region code) and the
/// last 4 characters (`330102********1234`); phones and cards keep the first 3 and last 4
/// (`138****5678`). Spaces inside card numbers are kept.
fn mask_one(m: &PiiMatch) -> String {
    let keep_head = match m.kind {
        PiiKind::IdCard | PiiKind::CreditCode => 6,
        PiiKind::Phone | PiiKind::BankCard => 3,
    };
    let total = m.text.chars().filter(|c| *c != ' ').count();
    let mut seen = 0;
    m.text
        .chars()
        .map(|c| {
            if c == ' ' {
                return c;
            }
            let i = seen;
            seen += 1;
            if i < keep_head || i + 4 >= total {
                c
            } else {
                '*'
            }
        })
        .collect()
}

/// `text` with every identifier [`find_pii`] finds masked (names are left alone).
pub fn mask(text: &str) -> String {
    let found = find_pii(text);
    if found.is_empty() {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut idx = 0;
    let mut it = found.iter().peekable();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if let Some(m) = it.peek()
            && m.start == idx
        {
            out.push_str(&mask_one(m));
            let len = m.end - m.start;
            // Skip the rest of the match.
            for _ in 1..len {
                chars.next();
            }
            idx += len;
            it.next();
            continue;
        }
        out.push(c);
        idx += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A synthetic, checksum-valid ID number (region 330102, born 1990-01-01, sequence 123).
    fn synthetic_id() -> String {
        let body = "33010219900101123";
        for check in ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'X'] {
            let s = format!("{body}{check}");
            if is_id_card(&s) {
                return s;
            }
        }
        unreachable!("one check character is valid")
    }

    #[test]
    fn id_card_checksum() {
        let id = synthetic_id();
        assert!(is_id_card(&id));
        let mut wrong = id.clone();
        let last = wrong.pop().unwrap();
        wrong.push(if last == '0' { '1' } else { '0' });
        assert!(!is_id_card(&wrong));
        assert!(!is_id_card("12345"));
        assert!(!is_id_card("3301021990010112３X"));
        assert!(is_id_card("11010519491231002X"));
    }

    #[test]
    fn credit_code_checksum() {
        // A well-known published example code.
        assert!(is_credit_code("91350100M000100Y43"));
        assert!(!is_credit_code("91350100M000100Y44"));
        assert!(!is_credit_code("91350100M000100Y4"));
        assert!(!is_credit_code("91350100I000100Y43"));
    }

    #[test]
    fn finds_and_masks() {
        let id = synthetic_id();
        let text = format!(
            "被告张三，身份证号{id}，电话13812345678，卡号6222 0212 3456 7890，信用代码91350100M000100Y43。"
        );
        let found = find_pii(&text);
        let kinds: Vec<PiiKind> = found.iter().map(|m| m.kind).collect();
        assert_eq!(
            kinds,
            vec![
                PiiKind::IdCard,
                PiiKind::Phone,
                PiiKind::BankCard,
                PiiKind::CreditCode
            ]
        );
        let chars: Vec<char> = text.chars().collect();
        for m in &found {
            assert_eq!(chars[m.start..m.end].iter().collect::<String>(), m.text);
        }
        let masked = mask(&text);
        assert!(masked.contains("330102********"), "{masked}");
        assert!(masked.contains(&id[14..]), "{masked}");
        assert!(!masked.contains(&id), "{masked}");
        assert!(masked.contains("138****5678"), "{masked}");
        assert!(masked.contains("622* **** **** 7890"), "{masked}");
        assert!(masked.contains("913501********Y43") || masked.contains("913501********0Y43"));
        assert!(masked.starts_with("被告张三，身份证号"));
        assert_eq!(masked.chars().count(), text.chars().count());
        assert_eq!(mask("没有号码"), "没有号码");
        assert_eq!(mask(""), "");
        // Short numbers, amounts and dates are left alone.
        assert_eq!(mask("借款100000元，2023-05-06"), "借款100000元，2023-05-06");
    }
}
