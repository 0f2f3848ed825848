//! Compiled-in, date-aware data tables: the LPR history (`lpr.csv`, domain file §3) and the
//! provincial small-claims thresholds (`small_claims.csv`, domain file §5.2).
//!
//! The tables are data, not code: they are embedded with `include_str!` and parsed once. A court
//! adds or replaces small-claims rows through [`super::RulesConfig::from_toml`]. Parsing the
//! embedded files cannot fail at run time for the shipped data (a unit test parses both); a
//! malformed row in a court's override is a [`RulesError`], never a panic.

use super::RulesError;
use crate::domain::{Rate, Yuan};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::str::FromStr;
use std::sync::OnceLock;

/// The LPR table as shipped: `date,lpr_1y,lpr_5y` in percent per year.
const LPR_CSV: &str = include_str!("lpr.csv");
/// The small-claims thresholds as shipped.
const SMALL_CLAIMS_CSV: &str = include_str!("small_claims.csv");

/// Version tag of the compiled-in tables, part of [`super::RULES_VERSION`].
pub const TABLES_VERSION: &str = "lpr-2026-02-24+small-claims-v1";

/// One LPR quote (贷款市场报价利率), in force from `date` until the next quote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LprQuote {
    /// Publication date; the quote applies from this day.
    pub date: NaiveDate,
    /// One-year LPR.
    pub one_year: Rate,
    /// Over-five-year LPR.
    pub five_year: Rate,
}

/// One row of the small-claims table: from `effective_from` on, claims up to `mandatory_max`
/// must go to small claims and claims up to `optional_max` may, by agreement
/// (民事诉讼法第一百六十五条 \[P\]; figures \[S\], domain file §5.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmallClaimsThreshold {
    /// Province as the high court names it (`浙江`, `江苏`…).
    pub province: String,
    /// First day the figures apply.
    pub effective_from: NaiveDate,
    /// 50 % of the previous-year average wage: small claims are mandatory up to here.
    pub mandatory_max: Yuan,
    /// 2 × that wage: small claims by agreement up to here.
    pub optional_max: Yuan,
    /// Where the figures come from.
    pub source: String,
}

fn parse_date(s: &str, what: &str) -> Result<NaiveDate, RulesError> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| RulesError::Table(format!("{what}: bad date {s:?}")))
}

fn parse_decimal(s: &str, what: &str) -> Result<Decimal, RulesError> {
    Decimal::from_str(s.trim()).map_err(|_| RulesError::Table(format!("{what}: bad number {s:?}")))
}

/// Data lines of a small CSV: skips comments (`#`), blank lines and the header row.
fn data_lines<'a>(csv: &'a str, header_start: &'a str) -> impl Iterator<Item = &'a str> {
    csv.lines()
        .map(str::trim)
        .filter(move |l| !l.is_empty() && !l.starts_with('#') && !l.starts_with(header_start))
}

/// Parses the LPR CSV (`date,lpr_1y,lpr_5y`, percent), sorted by date.
pub(crate) fn parse_lpr_csv(csv: &str) -> Result<Vec<LprQuote>, RulesError> {
    let mut out = Vec::new();
    for line in data_lines(csv, "date") {
        let cols: Vec<&str> = line.split(',').collect();
        let [date, one, five] = cols.as_slice() else {
            return Err(RulesError::Table(format!(
                "lpr: expected 3 columns in {line:?}"
            )));
        };
        out.push(LprQuote {
            date: parse_date(date, "lpr")?,
            one_year: Rate::from_percent(parse_decimal(one, "lpr")?),
            five_year: Rate::from_percent(parse_decimal(five, "lpr")?),
        });
    }
    out.sort_by_key(|q| q.date);
    Ok(out)
}

/// Parses the small-claims CSV (`province,effective_from,mandatory_max,optional_max,wage_year,source`).
pub(crate) fn parse_small_claims_csv(csv: &str) -> Result<Vec<SmallClaimsThreshold>, RulesError> {
    let mut out = Vec::new();
    for line in data_lines(csv, "province") {
        let cols: Vec<&str> = line.splitn(6, ',').collect();
        let [province, from, mandatory, optional, _wage_year, source] = cols.as_slice() else {
            return Err(RulesError::Table(format!(
                "small_claims: expected 6 columns in {line:?}"
            )));
        };
        out.push(SmallClaimsThreshold {
            province: province.trim().to_owned(),
            effective_from: parse_date(from, "small_claims")?,
            mandatory_max: Yuan::new(parse_decimal(mandatory, "small_claims")?),
            optional_max: Yuan::new(parse_decimal(optional, "small_claims")?),
            source: source.trim().to_owned(),
        });
    }
    Ok(out)
}

/// The shipped LPR table (parsed once).
pub fn lpr_table() -> &'static [LprQuote] {
    static TABLE: OnceLock<Vec<LprQuote>> = OnceLock::new();
    // The embedded CSV is compiled-in data, not input; `tables_parse` tests it. An impossible
    // parse failure degrades to "no LPR known" rather than a panic.
    TABLE.get_or_init(|| parse_lpr_csv(LPR_CSV).unwrap_or_default())
}

/// The shipped small-claims thresholds (parsed on each call; the table is tiny).
pub fn default_small_claims() -> Vec<SmallClaimsThreshold> {
    parse_small_claims_csv(SMALL_CLAIMS_CSV).unwrap_or_default()
}

/// The LPR quote in force on `date`: the latest row with `row.date ≤ date` (domain file §3).
/// `None` before the first reformed quote of 2019-08-20 (the old PBoC benchmark applied then).
pub fn lpr_at(date: NaiveDate) -> Option<LprQuote> {
    let table = lpr_table();
    let idx = table.partition_point(|q| q.date <= date);
    idx.checked_sub(1).and_then(|i| table.get(i)).copied()
}

/// The one-year LPR in force on `date` (latest quote dated on or before it), `None` before
/// 2019-08-20. Used for the private-lending cap, 4 × LPR at contract formation
/// (民间借贷规定第二十五条 \[P\]).
pub fn lpr_1y_at(date: NaiveDate) -> Option<Rate> {
    lpr_at(date).map(|q| q.one_year)
}

/// The over-five-year LPR in force on `date`, `None` before 2019-08-20.
pub fn lpr_5y_at(date: NaiveDate) -> Option<Rate> {
    lpr_at(date).map(|q| q.five_year)
}

/// The small-claims row in force for `province` on `date`: the latest row of that province with
/// `effective_from ≤ date`.
pub fn threshold_at<'a>(
    table: &'a [SmallClaimsThreshold],
    province: &str,
    date: NaiveDate,
) -> Option<&'a SmallClaimsThreshold> {
    table
        .iter()
        .filter(|t| t.province == province && t.effective_from <= date)
        .max_by_key(|t| t.effective_from)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn pct(s: &str) -> Rate {
        Rate::from_percent(Decimal::from_str(s).unwrap())
    }

    #[test]
    fn tables_parse() {
        let lpr = parse_lpr_csv(LPR_CSV).unwrap();
        assert_eq!(lpr.len(), 79);
        assert_eq!(lpr[0].date, d("2019-08-20"));
        assert!(lpr.windows(2).all(|w| w[0].date < w[1].date));
        let sc = parse_small_claims_csv(SMALL_CLAIMS_CSV).unwrap();
        assert_eq!(sc.len(), 4);
        assert_eq!(sc[0].province, "浙江");
        assert_eq!(sc[0].mandatory_max, Yuan::new(Decimal::from(54_323)));
    }

    #[test]
    fn lpr_lookup_takes_latest_row_on_or_before() {
        assert_eq!(lpr_1y_at(d("2025-06-01")), Some(pct("3.00")));
        assert_eq!(lpr_1y_at(d("2019-08-19")), None);
        assert_eq!(lpr_1y_at(d("2019-08-20")), Some(pct("4.25")));
        // Between two fixings: 2019-09-19 still uses the 2019-08-20 quote.
        assert_eq!(lpr_1y_at(d("2019-09-19")), Some(pct("4.25")));
        assert_eq!(lpr_1y_at(d("2019-09-20")), Some(pct("4.20")));
        assert_eq!(lpr_1y_at(d("2020-08-20")), Some(pct("3.85")));
        assert_eq!(lpr_5y_at(d("2024-02-20")), Some(pct("3.95")));
        // After the last row the last quote stays in force.
        assert!(lpr_1y_at(d("2030-01-01")).is_some());
    }

    #[test]
    fn small_claims_threshold_by_province_and_date() {
        let t = default_small_claims();
        let js = threshold_at(&t, "江苏", d("2025-06-01")).unwrap();
        assert_eq!(js.mandatory_max, Yuan::new(Decimal::from(60_862)));
        let js = threshold_at(&t, "江苏", d("2026-01-04")).unwrap();
        assert_eq!(js.mandatory_max, Yuan::new(Decimal::from(64_610)));
        assert!(threshold_at(&t, "江苏", d("2023-12-31")).is_none());
        assert!(threshold_at(&t, "广东", d("2025-01-01")).is_none());
    }

    #[test]
    fn malformed_rows_are_errors() {
        assert!(parse_lpr_csv("2020-01-01,4.1").is_err());
        assert!(parse_lpr_csv("2020-13-01,4.1,4.8").is_err());
        assert!(parse_small_claims_csv("浙江,2022-01-11,x,1,2020,src").is_err());
    }
}
