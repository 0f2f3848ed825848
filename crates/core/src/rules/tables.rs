//! Compiled-in, date-aware data tables of the rules: the provincial small-claims thresholds
//! (`small_claims.csv`, domain file §5.2). The LPR history is the domain's
//! ([`crate::domain::lpr`]): extraction reads it too.
//!
//! The tables are data, not code: they are embedded with `include_str!` and parsed once. A court
//! adds or replaces small-claims rows through [`super::RulesConfig::from_toml`]. Parsing the
//! embedded file cannot fail at run time for the shipped data (a unit test parses it); a
//! malformed row in a court's override is a [`RulesError`], never a panic.

use super::RulesError;
use crate::domain::Yuan;
use crate::domain::lpr::csv_data_lines;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::str::FromStr;
/// The small-claims thresholds as shipped.
const SMALL_CLAIMS_CSV: &str = include_str!("small_claims.csv");

/// Version tag of the compiled-in tables, part of [`super::RULES_VERSION`].
pub const TABLES_VERSION: &str = "lpr-2026-02-24+small-claims-v1";

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

/// Parses the small-claims CSV (`province,effective_from,mandatory_max,optional_max,wage_year,source`).
pub(crate) fn parse_small_claims_csv(csv: &str) -> Result<Vec<SmallClaimsThreshold>, RulesError> {
    let mut out = Vec::new();
    for line in csv_data_lines(csv, "province") {
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

/// The shipped small-claims thresholds (parsed on each call; the table is tiny).
pub fn default_small_claims() -> Vec<SmallClaimsThreshold> {
    parse_small_claims_csv(SMALL_CLAIMS_CSV).unwrap_or_default()
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

    #[test]
    fn tables_parse() {
        let sc = parse_small_claims_csv(SMALL_CLAIMS_CSV).unwrap();
        assert_eq!(sc.len(), 4);
        assert_eq!(sc[0].province, "浙江");
        assert_eq!(sc[0].mandatory_max, Yuan::new(Decimal::from(54_323)));
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
        assert!(parse_small_claims_csv("浙江,2022-01-11,x,1,2020,src").is_err());
    }
}
