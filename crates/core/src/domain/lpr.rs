//! The LPR history (贷款市场报价利率, one-year and over-five-year quotes since the 2019-08-20
//! reform; domain file §3): the shipped table (`lpr.csv`, compiled in), its parser, and the
//! lookup "the quote in force on a date".
//!
//! **Owns:** the one copy of the table that extraction (contract rates written as "LPR + x 基点"),
//! the rules (the private-lending cap, 4 × LPR) and the fixture generator read. A court's
//! `[[lpr]]` override rows (court.toml, read by `rules::RulesConfig`) are merged into an
//! [`LprTable`] with [`LprTable::insert`], and that table is what the pipeline hands to both
//! extraction and rules.
//!
//! **Must not:** do IO or panic on a malformed row: parsing returns an [`LprTableError`].

use super::Rate;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::str::FromStr;
use std::sync::OnceLock;

/// The LPR table as shipped: `date,lpr_1y,lpr_5y` in percent per year.
pub const LPR_CSV: &str = include_str!("lpr.csv");

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

/// A malformed row of an LPR table; the message names the row.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("lpr: {0}")]
pub struct LprTableError(String);

/// An LPR history, sorted by date, one quote per date.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LprTable {
    quotes: Vec<LprQuote>,
}

/// Data lines of a small CSV: skips comments (`#`), blank lines and the header row (the line
/// that starts with `header_start`). Shared with the rules' small-claims table.
pub(crate) fn csv_data_lines<'a>(
    csv: &'a str,
    header_start: &'a str,
) -> impl Iterator<Item = &'a str> {
    csv.lines()
        .map(str::trim)
        .filter(move |l| !l.is_empty() && !l.starts_with('#') && !l.starts_with(header_start))
}

impl LprTable {
    /// Parses an LPR CSV (`date,lpr_1y,lpr_5y`, percent; `#` comments and the header skipped).
    pub fn parse(csv: &str) -> Result<LprTable, LprTableError> {
        let bad = |what: &str, s: &str| LprTableError(format!("bad {what} {s:?}"));
        let mut table = LprTable::default();
        for line in csv_data_lines(csv, "date") {
            let cols: Vec<&str> = line.split(',').collect();
            let [date, one, five] = cols.as_slice() else {
                return Err(LprTableError(format!("expected 3 columns in {line:?}")));
            };
            let date = NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d")
                .map_err(|_| bad("date", date))?;
            let percent = |s: &str| Decimal::from_str(s.trim()).map_err(|_| bad("number", s));
            table.quotes.push(LprQuote {
                date,
                one_year: Rate::from_percent(percent(one)?),
                five_year: Rate::from_percent(percent(five)?),
            });
        }
        table.quotes.sort_by_key(|q| q.date);
        Ok(table)
    }

    /// The shipped table (`lpr.csv`, parsed once).
    pub fn shipped() -> &'static LprTable {
        static TABLE: OnceLock<LprTable> = OnceLock::new();
        // The embedded CSV is compiled-in data, not input; a unit test parses it. An impossible
        // parse failure degrades to "no LPR known" rather than a panic.
        TABLE.get_or_init(|| LprTable::parse(LPR_CSV).unwrap_or_default())
    }

    /// The quotes, sorted by date.
    pub fn quotes(&self) -> &[LprQuote] {
        &self.quotes
    }

    /// Adds `quote`, replacing a quote of the same date; the table stays sorted.
    pub fn insert(&mut self, quote: LprQuote) {
        self.quotes.retain(|o| o.date != quote.date);
        self.quotes.push(quote);
        self.quotes.sort_by_key(|q| q.date);
    }

    /// The quote in force on `date`: the latest row with `row.date ≤ date` (domain file §3).
    /// `None` before the first reformed quote of 2019-08-20 (the old PBoC benchmark applied
    /// then); after the last row the last quote stays in force.
    pub fn at(&self, date: NaiveDate) -> Option<LprQuote> {
        let idx = self.quotes.partition_point(|q| q.date <= date);
        idx.checked_sub(1).and_then(|i| self.quotes.get(i)).copied()
    }

    /// The one-year LPR in force on `date` (see [`LprTable::at`]). The base of the
    /// private-lending cap, 4 × LPR at contract formation (民间借贷规定第二十五条 \[P\]), and of
    /// contract rates written as "LPR + x 基点".
    pub fn one_year_at(&self, date: NaiveDate) -> Option<Rate> {
        self.at(date).map(|q| q.one_year)
    }

    /// The over-five-year LPR in force on `date` (see [`LprTable::at`]).
    pub fn five_year_at(&self, date: NaiveDate) -> Option<Rate> {
        self.at(date).map(|q| q.five_year)
    }
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
    fn shipped_table_parses() {
        let lpr = LprTable::parse(LPR_CSV).unwrap();
        assert_eq!(lpr.quotes().len(), 79);
        assert_eq!(lpr.quotes()[0].date, d("2019-08-20"));
        assert!(lpr.quotes().windows(2).all(|w| w[0].date < w[1].date));
        assert_eq!(&lpr, LprTable::shipped());
    }

    #[test]
    fn lookup_takes_latest_row_on_or_before() {
        let t = LprTable::shipped();
        assert_eq!(t.one_year_at(d("2025-06-01")), Some(pct("3.00")));
        assert_eq!(t.one_year_at(d("2019-08-19")), None);
        assert_eq!(t.one_year_at(d("2019-08-20")), Some(pct("4.25")));
        // Between two fixings: 2019-09-19 still uses the 2019-08-20 quote.
        assert_eq!(t.one_year_at(d("2019-09-19")), Some(pct("4.25")));
        assert_eq!(t.one_year_at(d("2019-09-20")), Some(pct("4.20")));
        assert_eq!(t.one_year_at(d("2020-08-20")), Some(pct("3.85")));
        assert_eq!(t.five_year_at(d("2024-02-20")), Some(pct("3.95")));
        // After the last row the last quote stays in force.
        assert!(t.one_year_at(d("2030-01-01")).is_some());
    }

    #[test]
    fn insert_replaces_the_same_date() {
        let mut t = LprTable::shipped().clone();
        let n = t.quotes().len();
        let q = LprQuote {
            date: d("2019-08-20"),
            one_year: pct("5"),
            five_year: pct("6"),
        };
        t.insert(q);
        assert_eq!(t.quotes().len(), n);
        assert_eq!(t.one_year_at(d("2019-08-20")), Some(pct("5")));
    }

    #[test]
    fn malformed_rows_are_errors() {
        assert!(LprTable::parse("2020-01-01,4.1").is_err());
        assert!(LprTable::parse("2020-13-01,4.1,4.8").is_err());
        assert!(LprTable::parse("2020-01-01,x,4.8").is_err());
    }
}
