//! Amounts of money as Chinese filings write them: figures with thousands separators
//! (`1,234,567.89`, full-width `1，234`), `万元`/`亿元` multipliers, currency marks
//! (`人民币`, `¥`, `￥`, `元`, `元整`) and 大写 numerals (`壹拾万元整`, also the lower-case
//! `十万元` forms), alone or paired (`人民币壹拾万元整（¥100,000.00）`).
//!
//! Owns parsing text into [`Yuan`] and writing [`Yuan`] back as standard financial 大写
//! ([`to_capital`]). It must not decide what an amount *means* (principal, interest…): that is
//! the field extractor's job. Nothing here panics on any input.

use crate::domain::Yuan;
use regex::Regex;
use rust_decimal::Decimal;
use std::str::FromStr;
use std::sync::OnceLock;

/// One amount found in a text, with its char span and both readings when both are written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AmountMatch {
    /// First char of the match (inclusive), counted in `char`s.
    pub start: usize,
    /// Last char of the match (exclusive), counted in `char`s.
    pub end: usize,
    /// The matched text.
    pub text: String,
    /// The amount: the figure when figures are written, else the 大写 value.
    pub value: Yuan,
    /// The value of the figures (`100,000.00`, `10万元`), when written.
    pub figure: Option<Yuan>,
    /// The value of the 大写 numerals, when written.
    pub words: Option<Yuan>,
}

impl AmountMatch {
    /// True when both figures and 大写 are written and they disagree.
    pub fn is_mismatch(&self) -> bool {
        matches!((self.figure, self.words), (Some(f), Some(w)) if f != w)
    }
}

/// The value of a Chinese digit character (大写 or lower case), if it is one.
pub(crate) fn cn_digit(c: char) -> Option<u32> {
    Some(match c {
        '零' | '〇' | '○' | 'Ｏ' => 0,
        '壹' | '一' | '幺' => 1,
        '贰' | '貳' | '二' | '两' | '兩' => 2,
        '叁' | '參' | '三' => 3,
        '肆' | '四' => 4,
        '伍' | '五' => 5,
        '陆' | '陸' | '六' => 6,
        '柒' | '七' => 7,
        '捌' | '八' => 8,
        '玖' | '九' => 9,
        _ => return None,
    })
}

/// The value of a small unit character (拾/十, 佰/百, 仟/千).
fn cn_small_unit(c: char) -> Option<u128> {
    Some(match c {
        '拾' | '十' => 10,
        '佰' | '百' => 100,
        '仟' | '千' => 1000,
        _ => return None,
    })
}

/// Parses a Chinese integer (`壹拾万零伍佰`, `一百二十三`, `一万五`) into its value.
///
/// Rules: a digit must be followed by a unit, a 零, or end the number; units within a 万/亿
/// section must decrease; a bare leading `十`/`拾` means 10; a trailing digit right after a
/// unit with no 零 is the colloquial short form (`一万五` = 15000, `三千五` = 3500).
pub(crate) fn parse_cn_int(s: &str) -> Option<u128> {
    let mut total: u128 = 0; // completed 亿 part
    let mut wan: u128 = 0; // completed 万 part of the current 亿 block
    let mut section: u128 = 0; // the current block below 万
    let mut digit: Option<u128> = None;
    let mut last_unit: u128 = u128::MAX; // last small unit in this section
    let mut last_mult: u128 = 0; // value of the last unit written (small, 万 or 亿)
    let mut zero_since_unit = false;
    let mut seen_wan = false;
    let mut seen_yi = false;
    let mut any = false;
    for c in s.chars() {
        if let Some(d) = cn_digit(c) {
            any = true;
            if d == 0 {
                if matches!(digit, Some(x) if x != 0) {
                    return None; // "五零": digits without a unit
                }
                zero_since_unit = true;
                continue;
            }
            if digit.is_some() {
                return None; // "一二": digits without a unit
            }
            digit = Some(u128::from(d));
        } else if let Some(u) = cn_small_unit(c) {
            if u >= last_unit {
                return None;
            }
            let n = digit.take().unwrap_or(1);
            section += n * u;
            last_unit = u;
            last_mult = u;
            zero_since_unit = false;
            any = true;
        } else if c == '万' || c == '萬' {
            if seen_wan || !any {
                return None;
            }
            let block = section + digit.take().unwrap_or(0);
            if block == 0 {
                return None;
            }
            wan = block * 10_000;
            section = 0;
            seen_wan = true;
            last_unit = u128::MAX;
            last_mult = 10_000;
            zero_since_unit = false;
        } else if c == '亿' || c == '億' {
            if seen_yi || !any {
                return None;
            }
            let block = wan + section + digit.take().unwrap_or(0);
            if block == 0 {
                return None;
            }
            total = block * 100_000_000;
            wan = 0;
            section = 0;
            seen_wan = false;
            seen_yi = true;
            last_unit = u128::MAX;
            last_mult = 100_000_000;
            zero_since_unit = false;
        } else {
            return None;
        }
    }
    if !any {
        return None;
    }
    let tail = match digit {
        Some(d) if last_mult >= 10 && !zero_since_unit => d * (last_mult / 10),
        Some(d) => d,
        None => 0,
    };
    Some(total + wan + section + tail)
}

/// Parses a 大写 (or lower-case Chinese) amount: `壹拾万元整`, `人民币叁佰贰拾伍元零肆分`,
/// `伍角`, `十万元`. Figures are rejected: use [`parse_amount`] for those.
pub fn parse_capital(s: &str) -> Option<Yuan> {
    let mut t = s.trim();
    for p in ["人民币", "（大写）", "(大写)", "大写", "：", ":"] {
        t = t.strip_prefix(p).unwrap_or(t).trim_start();
    }
    let t = t.trim_end_matches(['整', '正']).trim();
    if t.is_empty() || t.chars().any(|c| c.is_ascii_digit()) {
        return None;
    }
    let (int_part, frac_part) = match t.find(['元', '圆']) {
        Some(i) => {
            let (a, b) = t.split_at(i);
            (a, b.chars().skip(1).collect::<String>())
        }
        None if t.contains(['角', '分']) => ("", t.to_owned()),
        None => (t, String::new()),
    };
    let yuan = if int_part.is_empty() {
        if frac_part.is_empty() {
            return None;
        }
        0
    } else {
        parse_cn_int(int_part)?
    };
    let mut jiao = 0u32;
    let mut fen = 0u32;
    let mut pending: Option<u32> = None;
    let mut seen_fen = false;
    for c in frac_part.chars() {
        match c {
            '角' => {
                if seen_fen || jiao != 0 {
                    return None;
                }
                jiao = pending.take()?;
            }
            '分' => {
                if seen_fen {
                    return None;
                }
                fen = pending.take()?;
                seen_fen = true;
            }
            _ => {
                let d = cn_digit(c)?;
                if d == 0 {
                    if pending.is_some() {
                        return None;
                    }
                    continue;
                }
                if pending.is_some() {
                    return None;
                }
                pending = Some(d);
            }
        }
    }
    if pending.is_some() {
        return None;
    }
    let fen_total = i128::try_from(yuan).ok()?.checked_mul(100)? + i128::from(jiao * 10 + fen);
    let fen_total = i64::try_from(fen_total).ok()?;
    Some(Yuan::from_fen(fen_total))
}

/// Replaces full-width digits, `．` and `％` by their ASCII forms, char for char (so char spans
/// in the folded text are the spans in the original).
pub(crate) fn fold_width(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '．' => '.',
            '％' => '%',
            '＋' => '+',
            _ => c,
        })
        .collect()
}

/// Parses a number written in figures (`1,234,567.89`, `1，234`, `12.5`) into a decimal.
pub(crate) fn parse_figure(s: &str) -> Option<Decimal> {
    let folded = fold_width(s.trim());
    let clean: String = folded
        .chars()
        .filter(|c| *c != ',' && *c != '，' && *c != ' ')
        .collect();
    if clean.is_empty()
        || !clean.chars().all(|c| c.is_ascii_digit() || c == '.')
        || clean.starts_with('.')
        || clean.matches('.').count() > 1
    {
        return None;
    }
    // No filing claims 10^16 yuan; longer figures are codes, and refusing them keeps every
    // later sum far from `Decimal`'s overflow.
    let int_digits = clean.split('.').next().map_or(0, str::len);
    if int_digits > 16 {
        return None;
    }
    Decimal::from_str(&clean).ok()
}

/// Parses one amount, in figures or 大写: `1,234,567.89`, `¥100,000.00`, `人民币10万元`,
/// `1.5万元`, `100000元整`, `壹拾万元整`, or a pair (`壹拾万元整（¥100,000.00）`, where the
/// figure wins). Returns `None` for anything that is not one amount.
pub fn parse_amount(s: &str) -> Option<Yuan> {
    let folded = fold_width(s.trim());
    let mut t = folded.as_str();
    for p in [
        "人民币",
        "RMB",
        "（小写）",
        "(小写)",
        "小写",
        "：",
        ":",
        "¥",
        "￥",
    ] {
        t = t.strip_prefix(p).unwrap_or(t).trim_start();
    }
    let mut t = t.trim_end_matches(['整', '正']).trim_end();
    t = t
        .strip_suffix('元')
        .or_else(|| t.strip_suffix('圆'))
        .unwrap_or(t)
        .trim_end();
    let (num, mult) = if let Some(n) = t.strip_suffix('万') {
        (n, Decimal::from(10_000))
    } else if let Some(n) = t.strip_suffix('亿') {
        (n, Decimal::from(100_000_000))
    } else {
        (t, Decimal::ONE)
    };
    if let Some(d) = parse_figure(num) {
        return d.checked_mul(mult).map(Yuan::new);
    }
    if let Some(y) = parse_capital(s) {
        return Some(y);
    }
    let found = find_amounts(s);
    match found.as_slice() {
        [one] if one.text.chars().count() * 2 >= s.trim().chars().count() => Some(one.value),
        _ => None,
    }
}

fn figure_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    // A wrapped line may put the unit on the next line (`54,678.69` / `元、罚息…`).
    RE.get_or_init(|| {
        Regex::new(
            r"(?P<cur>人民币|RMB|[¥￥])?[ \t]*(?P<num>[0-9]{1,3}(?:[,，][0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?)[ \t]*(?P<mul>万|亿)?[ \t]*(?:\n?(?P<unit>元整|元|圆))?",
        )
        .expect("static regex")
    })
}

static_regex! {
    /// A mixed figure with 万 inside (`5万440.17元` = 50,440.17 yuan).
    fn mixed_wan_re = r"(?P<cur>人民币|[¥￥])?[ \t]*(?P<wan>[0-9]+)[ \t]*万[ \t]*(?P<rest>[0-9]{1,4}(?:\.[0-9]+)?)[ \t]*(?:元整|元|圆)";
}

fn capital_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        let d = "零〇壹贰貳叁參肆伍陆陸柒捌玖一二三四五六七八九两";
        let all = format!("{d}拾佰仟万萬亿億十百千");
        Regex::new(&format!(
            r"(?:人民币)?(?:[{all}]+[元圆](?:[{d}]+[角分])*(?:[整正])?|人民币(?:[{d}]+角(?:[{d}]+分)?|[{d}]+分))"
        ))
        .expect("static regex")
    })
}

/// Converts a byte offset of `text` into a char offset.
pub(crate) fn char_offset(text: &str, byte: usize) -> usize {
    text.get(..byte).map_or(0, |p| p.chars().count())
}

struct Piece {
    start: usize,
    end: usize,
    value: Yuan,
    is_figure: bool,
}

/// Finds every amount in `text`, left to right, with char spans. A figure and a 大写 amount
/// written next to each other (only brackets, colons, `大写`/`小写`/`人民币` or spaces between)
/// become one match carrying both values.
///
/// Figures count as amounts only with a currency mark: `人民币`/`¥`/`￥` before or `元` after
/// (`10万元`); bare numbers (dates, rates, contract numbers) are not amounts.
pub fn find_amounts(text: &str) -> Vec<AmountMatch> {
    let folded = fold_width(text);
    let mut pieces: Vec<Piece> = Vec::new();
    for caps in mixed_wan_re().captures_iter(&folded) {
        let (Some(whole), Some(wan), Some(rest)) =
            (caps.get(0), caps.name("wan"), caps.name("rest"))
        else {
            continue;
        };
        let before = folded[..whole.start()].chars().next_back();
        if caps.name("cur").is_none()
            && before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
        {
            continue;
        }
        let (Some(w), Some(r)) = (parse_figure(wan.as_str()), parse_figure(rest.as_str())) else {
            continue;
        };
        let Some(v) = w
            .checked_mul(Decimal::from(10_000))
            .and_then(|w| w.checked_add(r))
        else {
            continue;
        };
        pieces.push(Piece {
            start: char_offset(&folded, blank_skipped(&folded, whole.start())),
            end: char_offset(&folded, whole.end()),
            value: Yuan::new(v),
            is_figure: true,
        });
    }
    let mixed: Vec<(usize, usize)> = pieces.iter().map(|p| (p.start, p.end)).collect();
    for caps in figure_re().captures_iter(&folded) {
        let (Some(whole), Some(num)) = (caps.get(0), caps.name("num")) else {
            continue;
        };
        let (ws, we) = (
            char_offset(&folded, whole.start()),
            char_offset(&folded, whole.end()),
        );
        if mixed.iter().any(|(a, b)| *a < we && ws < *b) {
            continue;
        }
        let has_cur = caps.name("cur").is_some();
        let has_unit = caps.name("unit").is_some();
        if !has_cur && !has_unit {
            continue;
        }
        // A figure glued to letters or digits before it is part of a code, not an amount.
        let before = folded[..whole.start()].chars().next_back();
        if !has_cur && before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.') {
            continue;
        }
        let Some(mut v) = parse_figure(num.as_str()) else {
            continue;
        };
        if let Some(m) = caps.name("mul") {
            v *= if m.as_str() == "万" {
                Decimal::from(10_000)
            } else {
                Decimal::from(100_000_000)
            };
        }
        // Trim trailing blanks the regex may have eaten.
        let end_byte = whole.start() + whole.as_str().trim_end().len();
        pieces.push(Piece {
            // The blanks the regex may have eaten before the figure (a table cell's tab) are
            // not part of it: the cell's label ends where the amount starts.
            start: char_offset(&folded, blank_skipped(&folded, whole.start())),
            end: char_offset(&folded, end_byte),
            value: Yuan::new(v),
            is_figure: true,
        });
    }
    for m in capital_re().find_iter(&folded) {
        let s = char_offset(&folded, m.start());
        let e = char_offset(&folded, m.end());
        if pieces
            .iter()
            .any(|p| p.is_figure && p.start < e && s < p.end)
        {
            continue;
        }
        if let Some(v) = parse_capital(m.as_str()) {
            pieces.push(Piece {
                start: s,
                end: e,
                value: v,
                is_figure: false,
            });
        }
    }
    pieces.sort_by_key(|p| p.start);
    let chars: Vec<char> = text.chars().collect();
    let slice = |a: usize, b: usize| -> String {
        chars
            .get(a..b)
            .map(|c| c.iter().collect())
            .unwrap_or_default()
    };
    let mut out: Vec<AmountMatch> = Vec::new();
    let mut i = 0;
    while i < pieces.len() {
        let p = &pieces[i];
        // A pair binds through brackets more tightly than through a bare gap: in
        // `8,881.25元、人民币壹万元（小写：￥10,000.00）` the 大写 amount belongs to the bracketed
        // figure after it, not to the figure before it.
        let bracketed = |gap: &str| gap.contains(['（', '(', '【', '[']);
        let next_pair_is_tighter = |q: &Piece| {
            pieces.get(i + 2).is_some_and(|r| {
                let g = slice(q.end, r.start);
                r.is_figure != q.is_figure && is_pair_gap(&g, r.value == q.value) && bracketed(&g)
            })
        };
        if let Some(q) = pieces.get(i + 1)
            && q.is_figure != p.is_figure
            && is_pair_gap(&slice(p.end, q.start), p.value == q.value)
            && (bracketed(&slice(p.end, q.start)) || !next_pair_is_tighter(q))
        {
            // Take a closing bracket after the second piece into the match.
            let mut end = q.end;
            if matches!(chars.get(end), Some('）' | ')' | '】' | ']'))
                && slice(p.end, q.start).contains(['（', '(', '【', '['])
            {
                end += 1;
            }
            let (f, w) = if p.is_figure {
                (p.value, q.value)
            } else {
                (q.value, p.value)
            };
            out.push(AmountMatch {
                start: p.start,
                end,
                text: slice(p.start, end),
                value: f,
                figure: Some(f),
                words: Some(w),
            });
            i += 2;
            continue;
        }
        out.push(AmountMatch {
            start: p.start,
            end: p.end,
            text: slice(p.start, p.end),
            value: p.value,
            figure: p.is_figure.then_some(p.value),
            words: (!p.is_figure).then_some(p.value),
        });
        i += 1;
    }
    out
}

/// Whether the text between a figure and a 大写 amount makes them one amount written twice.
/// A list mark (`、`) separates two amounts; a comma joins them only with a word or bracket that
/// says the second restates the first (`100元，大写壹佰元整`), or when both say the same
/// (`same`: `100元，壹佰元整`).
fn is_pair_gap(gap: &str, same: bool) -> bool {
    if gap.chars().count() > 12 || gap.contains('、') {
        return false;
    }
    let mut rest = gap.to_owned();
    for w in ["大写", "小写", "人民币", "金额", "即"] {
        rest = rest.replace(w, "");
    }
    let restated = ["大写", "小写", "金额", "即"]
        .iter()
        .any(|w| gap.contains(w))
        || gap.contains(['（', '(', '【', '[', '：', ':']);
    rest.chars()
        .all(|c| c.is_whitespace() || "（）()【】[]：:，,".contains(c))
        && (!gap.contains(['，', ',']) || restated || same)
}

/// `at` moved past any blanks that start `s[at..]`.
fn blank_skipped(s: &str, at: usize) -> usize {
    let t = s.get(at..).unwrap_or("");
    at + (t.len() - t.trim_start_matches([' ', '\t']).len())
}

const CAP_DIGITS: [char; 10] = ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'];
const CAP_SMALL: [&str; 4] = ["", "拾", "佰", "仟"];

/// Writes an amount in standard financial 大写 (中国人民银行《支付结算办法》附件 rules):
/// `壹拾万元整`, `壹万零伍佰元整`, `叁佰贰拾伍元零肆分`, `伍角`, `零元整`.
///
/// Zeros inside the integer part are written once per run (`壹拾万零伍佰`); a number with no
/// 角/分 ends in `元整`; a missing 角 before 分 is written `零`. Amounts of 10¹⁶ yuan or more
/// (never seen in a filing) are written in figures.
pub fn to_capital(y: Yuan) -> String {
    let fen_total = y.fen();
    let mut out = String::new();
    if fen_total < 0 {
        out.push('负');
    }
    let abs = fen_total.unsigned_abs();
    let int = abs / 100;
    let jiao = (abs / 10 % 10) as usize;
    let fen = (abs % 10) as usize;
    if int >= 10_000_000_000_000_000 {
        return format!("{}元", y.grouped());
    }
    if int > 0 {
        let digits: Vec<usize> = int
            .to_string()
            .bytes()
            .map(|b| usize::from(b - b'0'))
            .collect();
        let n = digits.len();
        let digit_at = |p: usize| -> usize { if p < n { digits[n - 1 - p] } else { 0 } };
        let mut pending_zero = false;
        for (idx, &d) in digits.iter().enumerate() {
            let p = n - 1 - idx;
            if d == 0 {
                pending_zero = true;
            } else {
                if pending_zero {
                    out.push('零');
                    pending_zero = false;
                }
                out.push(CAP_DIGITS[d]);
                out.push_str(CAP_SMALL[p % 4]);
            }
            if p == 4 || p == 12 {
                if (p..p + 4).any(|q| digit_at(q) != 0) {
                    out.push('万');
                    pending_zero = false;
                }
            } else if p == 8 && (8..n).any(|q| digit_at(q) != 0) {
                out.push('亿');
                pending_zero = false;
            }
        }
        out.push('元');
        if jiao == 0 && fen == 0 {
            out.push('整');
            return out;
        }
        if jiao == 0 {
            out.push('零');
        }
    } else if jiao == 0 && fen == 0 {
        out.push_str("零元整");
        return out;
    }
    if jiao != 0 {
        out.push(CAP_DIGITS[jiao]);
        out.push('角');
    }
    if fen != 0 {
        out.push(CAP_DIGITS[fen]);
        out.push('分');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn y(s: &str) -> Yuan {
        s.parse().unwrap()
    }

    #[test]
    fn mixed_wan_figures() {
        assert_eq!(parse_amount("5万440.17元"), Some(y("50440.17")));
        assert_eq!(parse_amount("人民币12万3000元"), Some(y("123000")));
        let f = find_amounts("偿还本金5万440.17元，利息10,718.54元");
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].value, y("50440.17"));
        assert_eq!(f[0].text, "5万440.17元");
        // A 万 figure followed by another amount is not glued to it.
        assert_eq!(find_amounts("10万元，利息500元").len(), 2);
    }

    #[test]
    fn figures_with_separators_and_marks() {
        for (s, v) in [
            ("1,234,567.89", "1234567.89"),
            ("1，234", "1234"),
            ("1，234，567.8元", "1234567.80"),
            ("¥100,000.00", "100000"),
            ("￥ 100,000.00", "100000"),
            ("人民币100000元", "100000"),
            ("100000元整", "100000"),
            ("10万元", "100000"),
            ("1.5万元", "15000"),
            ("人民币1.5万元", "15000"),
            ("2亿元", "200000000"),
            ("0.5元", "0.50"),
            ("１２３４.５元", "1234.50"),
            ("RMB 88.8", "88.80"),
            ("12.345元", "12.35"),
        ] {
            assert_eq!(parse_amount(s), Some(y(v)), "{s}");
        }
        for s in [
            "",
            "abc",
            "1.2.3",
            "元",
            "万元",
            ".5",
            "2023年5月6日",
            "4.35%",
        ] {
            assert_eq!(parse_amount(s), None, "{s}");
        }
    }

    #[test]
    fn capital_numerals() {
        for (s, v) in [
            ("壹拾万元整", "100000"),
            ("拾万元整", "100000"),
            ("人民币壹拾万元整", "100000"),
            ("壹万零伍佰元整", "10500"),
            ("壹万伍佰元", "10500"),
            ("叁佰贰拾伍元零肆分", "325.04"),
            ("壹仟肆佰零玖元伍角", "1409.50"),
            ("陆仟零柒元壹角肆分", "6007.14"),
            ("壹仟陆佰捌拾元零叁角贰分", "1680.32"),
            ("壹仟陆佰捌拾元叁角贰分", "1680.32"),
            ("壹拾万柒仟元零伍角叁分", "107000.53"),
            ("壹拾万零柒仟元伍角叁分", "107000.53"),
            ("伍角", "0.50"),
            ("伍角叁分", "0.53"),
            ("叁分", "0.03"),
            ("零元整", "0"),
            ("壹亿元整", "100000000"),
            ("壹亿零伍拾万元整", "100500000"),
            ("贰拾亿零叁元", "2000000003"),
            ("壹万亿元", "1000000000000"),
            ("玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分", "99999999.99"),
            ("十万元", "100000"),
            ("一百二十三元", "123"),
            ("一万五", "15000"),
            ("三千五百元", "3500"),
            ("两万元", "20000"),
            ("二十万零三百元", "200300"),
            ("壹佰元整正", "100"),
            ("人民币（大写）壹拾万元整", "100000"),
        ] {
            assert_eq!(parse_capital(s), Some(y(v)), "{s}");
        }
        for s in [
            "",
            "元",
            "整",
            "100元",
            "壹贰元",
            "拾佰元",
            "万元",
            "亿元",
            "壹万万元",
            "伍零元",
            "壹角角",
            "abc",
            "壹元伍",
        ] {
            assert_eq!(parse_capital(s), None, "{s}");
        }
        assert_eq!(parse_amount("壹拾万元整"), Some(y("100000")));
    }

    #[test]
    fn to_capital_standard_writing() {
        for (v, s) in [
            ("100000", "壹拾万元整"),
            ("10500", "壹万零伍佰元整"),
            ("325.04", "叁佰贰拾伍元零肆分"),
            ("1409.50", "壹仟肆佰零玖元伍角"),
            ("6007.14", "陆仟零柒元壹角肆分"),
            ("107000.53", "壹拾万柒仟元伍角叁分"),
            ("100500000", "壹亿零伍拾万元整"),
            ("1000000000000", "壹万亿元整"),
            ("100000001", "壹亿零壹元整"),
            ("0.5", "伍角"),
            ("0.03", "叁分"),
            ("0", "零元整"),
            ("16.50", "壹拾陆元伍角"),
            ("1010", "壹仟零壹拾元整"),
        ] {
            assert_eq!(to_capital(y(v)), s, "{v}");
        }
    }

    #[test]
    fn capital_round_trips_over_pseudo_random_amounts() {
        // xorshift64*: deterministic, no extra crate.
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = || {
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            state.wrapping_mul(0x2545_F491_4F6C_DD1D)
        };
        for i in 0..20_000u64 {
            let r = next();
            // Spread magnitudes: from fen up to about 10^15 yuan.
            let digits = (i % 17) as u32 + 1;
            let mut fen = (r % 10u64.pow(digits)) as i64;
            if i % 5 == 0 {
                // Many zeros inside: keep only a few non-zero digits.
                fen -= fen % 10i64.pow(digits.saturating_sub(3));
                fen += (r >> 40) as i64 % 100;
            }
            let amount = Yuan::from_fen(fen);
            let cap = to_capital(amount);
            assert_eq!(parse_capital(&cap), Some(amount), "{fen} → {cap}");
            assert_eq!(parse_amount(&cap), Some(amount), "{fen} → {cap}");
        }
    }

    #[test]
    fn finds_amounts_with_spans_and_pairs() {
        let text = "借款本金人民币壹拾万元整（¥100,000.00），利息5,000元，律师费3000元。";
        let m = find_amounts(text);
        assert_eq!(m.len(), 3, "{m:?}");
        assert_eq!(m[0].figure, Some(y("100000")));
        assert_eq!(m[0].words, Some(y("100000")));
        assert_eq!(m[0].text, "人民币壹拾万元整（¥100,000.00）");
        let chars: Vec<char> = text.chars().collect();
        let span: String = chars[m[0].start..m[0].end].iter().collect();
        assert_eq!(span, m[0].text);
        assert_eq!(m[1].value, y("5000"));
        assert_eq!(m[1].text, "5,000元");
        assert_eq!(m[2].value, y("3000"));
        assert!(!m[0].is_mismatch());

        let m = find_amounts("本金100,000.00元（大写：壹拾万零伍佰元整）");
        assert_eq!(m.len(), 1);
        assert!(m[0].is_mismatch());
        assert_eq!(m[0].value, y("100000"));
        assert_eq!(m[0].words, Some(y("100500")));
        assert_eq!(m[0].text, "100,000.00元（大写：壹拾万零伍佰元整）");

        let m = find_amounts("金额\t100000.00\t壹拾万元整");
        assert_eq!(m.len(), 1, "{m:?}");
        assert_eq!(m[0].words, Some(y("100000")));

        let m = find_amounts("借款50万元，2023年5月6日到期，年利率4.35%，合同编号HT2023001元");
        assert_eq!(m.len(), 1, "{m:?}");
        assert_eq!(m[0].value, y("500000"));
        assert!(find_amounts("").is_empty());

        // A list of amounts: `、` separates them, and a 大写 amount pairs with the bracketed
        // figure after it, not with the figure before it.
        let m = find_amounts(
            "利息、罚息分别为8,881.25元、人民币壹万伍仟陆佰伍拾伍元伍角（小写：￥15,655.50）、人民币陆仟零捌拾捌元贰角伍分（小写：￥6,088.25）",
        );
        let v: Vec<Yuan> = m.iter().map(|a| a.value).collect();
        assert_eq!(v, vec![y("8881.25"), y("15655.50"), y("6088.25")], "{m:?}");
        assert!(m.iter().all(|a| !a.is_mismatch()), "{m:?}");
        let m = find_amounts("100元，大写壹佰元整");
        assert_eq!(m.len(), 1, "{m:?}");
        assert_eq!(find_amounts("100元，壹佰元整").len(), 1);
        assert_eq!(find_amounts("100元，贰佰元整").len(), 2);
        // A table cell's tab is not part of the amount.
        let m = find_amounts("标的总额\t50,818.39元");
        assert_eq!(m[0].text, "50,818.39元");
        assert!(find_amounts("二〇二三年五月六日").is_empty());
    }
}
