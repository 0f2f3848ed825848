//! Dates as filings write them: `2023年5月6日`, `2023.5.6`, `2023-05-06`, `2023/05/06`,
//! `二〇二三年五月六日` (with `〇`, `零` or `○`, and days like `二十三日`, `廿三日`).
//!
//! Owns turning text into `chrono::NaiveDate`. Impossible dates (`2023年2月30日`) are `None`,
//! never clamped. A month without a day (`2023年5月`) is not a date: [`parse_month`] reads it.
//! It must not decide what a date means (contract date, maturity…): the field extractor does.

use super::amount::{char_offset, fold_width};
use chrono::NaiveDate;
use regex::Regex;
use std::sync::OnceLock;

/// One date found in a text, with its char span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateMatch {
    /// First char of the match (inclusive), counted in `char`s.
    pub start: usize,
    /// Last char of the match (exclusive), counted in `char`s.
    pub end: usize,
    /// The matched text.
    pub text: String,
    /// The date.
    pub date: NaiveDate,
}

const CN_YEAR_DIGITS: &str = "〇零○Ｏ一二三四五六七八九";
const CN_SMALL: &str = "一二三四五六七八九十廿卅";

fn date_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(&format!(
            r"(?x)
            (?P<y1>[0-9]{{4}})[\x20\t]*年[\x20\t]*(?P<m1>[0-9]{{1,2}})[\x20\t]*月[\x20\t]*(?P<d1>[0-9]{{1,2}})[\x20\t]*[日号]
          | (?P<y2>[0-9]{{4}})\.(?P<m2>[0-9]{{1,2}})\.(?P<d2>[0-9]{{1,2}})
          | (?P<y3>[0-9]{{4}})-(?P<m3>[0-9]{{1,2}})-(?P<d3>[0-9]{{1,2}})
          | (?P<y4>[0-9]{{4}})/(?P<m4>[0-9]{{1,2}})/(?P<d4>[0-9]{{1,2}})
          | (?P<y5>[{CN_YEAR_DIGITS}]{{4}})[\x20\t]*年[\x20\t]*(?P<m5>[{CN_SMALL}]{{1,2}})[\x20\t]*月[\x20\t]*(?P<d5>[{CN_SMALL}]{{1,3}})[\x20\t]*[日号]
          | (?P<y6>[0-9]{{2}})[\x20\t]*年[\x20\t]*(?P<m6>[0-9]{{1,2}})[\x20\t]*月[\x20\t]*(?P<d6>[0-9]{{1,2}})[\x20\t]*[日号]
            "
        ))
        .expect("static regex")
    })
}

fn month_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(&format!(
            r"^(?:(?P<y1>[0-9]{{4}})[\x20\t]*年[\x20\t]*(?P<m1>[0-9]{{1,2}})[\x20\t]*月|(?P<y2>[{CN_YEAR_DIGITS}]{{4}})[\x20\t]*年[\x20\t]*(?P<m2>[{CN_SMALL}]{{1,2}})[\x20\t]*月|(?P<y3>[0-9]{{4}})[-./](?P<m3>[0-9]{{1,2}}))$"
        ))
        .expect("static regex")
    })
}

/// A year written digit by digit in Chinese (`二〇二三`).
fn cn_year(s: &str) -> Option<i32> {
    let mut y: i32 = 0;
    for c in s.chars() {
        let d = match c {
            '〇' | '零' | '○' | 'Ｏ' => 0,
            _ => super::amount::cn_digit(c)? as i32,
        };
        y = y * 10 + d;
    }
    Some(y)
}

/// A month or day written in Chinese (`五`, `十二`, `二十三`, `廿三`, `卅一`).
fn cn_small(s: &str) -> Option<u32> {
    let s = s.replacen('廿', "二十", 1).replacen('卅', "三十", 1);
    let v = super::amount::parse_cn_int(&s)?;
    u32::try_from(v).ok().filter(|v| *v <= 31)
}

fn ymd(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    if !(1900..=2100).contains(&y) {
        return None;
    }
    NaiveDate::from_ymd_opt(y, m, d)
}

fn date_of(caps: &regex::Captures<'_>) -> Option<NaiveDate> {
    for i in 1..=4 {
        if let (Some(y), Some(m), Some(d)) = (
            caps.name(&format!("y{i}")),
            caps.name(&format!("m{i}")),
            caps.name(&format!("d{i}")),
        ) {
            return ymd(
                y.as_str().parse().ok()?,
                m.as_str().parse().ok()?,
                d.as_str().parse().ok()?,
            );
        }
    }
    // `21年3月15日`: a two-digit year is this century's up to 49, else the last one's.
    if let (Some(y), Some(m), Some(d)) = (caps.name("y6"), caps.name("m6"), caps.name("d6")) {
        let yy: i32 = y.as_str().parse().ok()?;
        let year = if yy < 50 { 2000 + yy } else { 1900 + yy };
        return ymd(year, m.as_str().parse().ok()?, d.as_str().parse().ok()?);
    }
    let (y, m, d) = (caps.name("y5")?, caps.name("m5")?, caps.name("d5")?);
    ymd(
        cn_year(y.as_str())?,
        cn_small(m.as_str())?,
        cn_small(d.as_str())?,
    )
}

/// Parses one date written in any supported form; the whole (trimmed) string must be the date.
/// `None` for impossible dates and for a month without a day.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let t = fold_width(s.trim());
    let caps = date_re().captures(&t)?;
    let whole = caps.get(0)?;
    if whole.start() != 0 || whole.end() != t.len() {
        return None;
    }
    date_of(&caps)
}

/// Parses a month without a day (`2023年5月`, `二〇二三年五月`, `2023-05`) as (year, month).
pub fn parse_month(s: &str) -> Option<(i32, u32)> {
    let t = fold_width(s.trim());
    let caps = month_re().captures(&t)?;
    let (y, m) = if let (Some(y), Some(m)) = (caps.name("y1"), caps.name("m1")) {
        (y.as_str().parse().ok()?, m.as_str().parse().ok()?)
    } else if let (Some(y), Some(m)) = (caps.name("y2"), caps.name("m2")) {
        (cn_year(y.as_str())?, cn_small(m.as_str())?)
    } else {
        let (y, m) = (caps.name("y3")?, caps.name("m3")?);
        (y.as_str().parse().ok()?, m.as_str().parse().ok()?)
    };
    ((1900..=2100).contains(&y) && (1..=12).contains(&m)).then_some((y, m))
}

/// Finds every full date in `text`, left to right, with char spans. Figures glued to other
/// figures (`12023.5.61`) are not dates; impossible dates are skipped.
pub fn find_dates(text: &str) -> Vec<DateMatch> {
    let t = fold_width(text);
    let mut out = Vec::new();
    for caps in date_re().captures_iter(&t) {
        let Some(whole) = caps.get(0) else { continue };
        let before = t[..whole.start()].chars().next_back();
        let mut after = t[whole.end()..].chars();
        let a1 = after.next();
        let a2 = after.next();
        if before.is_some_and(|c| c.is_ascii_digit())
            || a1.is_some_and(|c| c.is_ascii_digit())
            || (a1.is_some_and(|c| matches!(c, '.' | '-' | '/'))
                && a2.is_some_and(|c| c.is_ascii_digit()))
        {
            continue;
        }
        let Some(date) = date_of(&caps) else { continue };
        out.push(DateMatch {
            start: char_offset(&t, whole.start()),
            end: char_offset(&t, whole.end()),
            text: text
                .chars()
                .skip(char_offset(&t, whole.start()))
                .take(whole.as_str().chars().count())
                .collect(),
            date,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn parses_every_written_form() {
        for s in [
            "2023年5月6日",
            "2023年05月06日",
            "2023 年 5 月 6 日",
            "2023.5.6",
            "2023.05.06",
            "2023-05-06",
            "2023-5-6",
            "2023/05/06",
            "二〇二三年五月六日",
            "二零二三年五月六日",
            "二○二三年五月六日",
            "２０２３年５月６日",
            "2023年5月6号",
            "23年5月6日",
        ] {
            assert_eq!(parse_date(s), Some(d(2023, 5, 6)), "{s}");
        }
        assert_eq!(
            parse_date("二〇二三年十二月二十三日"),
            Some(d(2023, 12, 23))
        );
        assert_eq!(parse_date("二〇二〇年二月廿九日"), Some(d(2020, 2, 29)));
        assert_eq!(parse_date("二〇二一年十月三十一日"), Some(d(2021, 10, 31)));
        assert_eq!(parse_date("二〇二一年十月十日"), Some(d(2021, 10, 10)));
        assert_eq!(parse_date("98年12月1日"), Some(d(1998, 12, 1)));
        // Inside a four-digit year, the whole year is read, never its last two digits.
        let found = find_dates("签订于2021年3月15日");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].date, d(2021, 3, 15));
    }

    #[test]
    fn rejects_impossible_and_partial_dates() {
        for s in [
            "2023年2月30日",
            "2023年13月1日",
            "2023-00-10",
            "2021年2月29日",
            "二〇二三年二月三十日",
            "2023年5月",
            "2023.5",
            "1800年1月1日",
            "",
            "明天",
            "2023年5月6日起",
            "二〇二三年五月三十二日",
        ] {
            assert_eq!(parse_date(s), None, "{s}");
        }
        assert_eq!(parse_month("2023年5月"), Some((2023, 5)));
        assert_eq!(parse_month("二〇二三年十一月"), Some((2023, 11)));
        assert_eq!(parse_month("2023-05"), Some((2023, 5)));
        assert_eq!(parse_month("2023年13月"), None);
        assert_eq!(parse_month("2023年5月6日"), None);
    }

    #[test]
    fn finds_dates_with_char_spans() {
        let text =
            "借款期限自2023年5月6日起至二〇二四年五月五日止，还款日2023-06-20，编号12023.5.61。";
        let m = find_dates(text);
        assert_eq!(m.len(), 3, "{m:?}");
        assert_eq!(m[0].date, d(2023, 5, 6));
        assert_eq!(m[1].date, d(2024, 5, 5));
        assert_eq!(m[1].text, "二〇二四年五月五日");
        assert_eq!(m[2].date, d(2023, 6, 20));
        let chars: Vec<char> = text.chars().collect();
        for x in &m {
            assert_eq!(chars[x.start..x.end].iter().collect::<String>(), x.text);
        }
        assert!(find_dates("2023年2月30日").is_empty());
        assert!(find_dates("").is_empty());
    }
}
