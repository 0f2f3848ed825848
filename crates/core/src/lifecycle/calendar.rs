//! Periods (期间) counted as the Civil Procedure Law counts them.
//!
//! 民事诉讼法第八十五条 \[P\]: a period is counted in days, months or years; **the day it starts
//! is not counted**; and when its last day is a statutory rest day (法定休假日), the period ends on
//! the first day after the rest days. Saturdays and Sundays are rest days unless the State
//! Council moved a working day onto them (调休); the public holidays and those moved working days
//! come from a table (`holidays.csv`, shipped: the State Council's notices for 2025 and 2026
//! \[S\]; a court may supply its own). Reading weekends as 法定休假日 follows the courts'
//! practice \[M\].

use chrono::{Datelike, Days, Months, NaiveDate, Weekday};
use std::collections::BTreeSet;
use std::sync::OnceLock;

/// Rest days and moved working days, by date.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Calendar {
    holidays: BTreeSet<NaiveDate>,
    workdays: BTreeSet<NaiveDate>,
    years: BTreeSet<i32>,
}

/// A line of a holiday table that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("节假日表第{line}行：{message}")]
pub struct CalendarError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong with it.
    pub message: String,
}

impl Calendar {
    /// The shipped table (`holidays.csv`: 2025 and 2026), parsed once.
    pub fn shipped() -> &'static Calendar {
        static CAL: OnceLock<Calendar> = OnceLock::new();
        CAL.get_or_init(|| {
            // The shipped file is data of this crate, checked by a unit test.
            Calendar::from_csv(include_str!("holidays.csv")).unwrap_or_default()
        })
    }

    /// Reads a table of `date,kind,name` lines (`kind`: `holiday` or `workday`; `#` lines and
    /// the header are skipped).
    pub fn from_csv(text: &str) -> Result<Calendar, CalendarError> {
        let mut cal = Calendar::default();
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') || line.starts_with("date,") {
                continue;
            }
            let err = |message: String| CalendarError {
                line: i + 1,
                message,
            };
            let mut cells = line.split(',');
            let date = cells.next().unwrap_or_default().trim();
            let date = NaiveDate::parse_from_str(date, "%Y-%m-%d")
                .map_err(|_| err(format!("日期“{date}”不是 YYYY-MM-DD")))?;
            match cells.next().map(str::trim) {
                Some("holiday") => cal.holidays.insert(date),
                Some("workday") => cal.workdays.insert(date),
                other => {
                    return Err(err(format!(
                        "类别“{}”应为 holiday 或 workday",
                        other.unwrap_or_default()
                    )));
                }
            };
            cal.years.insert(date.year());
        }
        Ok(cal)
    }

    /// True when `d` is a rest day: a listed holiday, or a weekend day not moved to work.
    pub fn is_rest_day(&self, d: NaiveDate) -> bool {
        self.holidays.contains(&d)
            || (matches!(d.weekday(), Weekday::Sat | Weekday::Sun) && !self.workdays.contains(&d))
    }

    /// True when the table lists the holidays of `year` (otherwise only weekends are known).
    pub fn covers(&self, year: i32) -> bool {
        self.years.contains(&year)
    }

    /// The first day from `d` on that is not a rest day.
    pub fn next_working_day(&self, mut d: NaiveDate) -> NaiveDate {
        // A run of rest days is at most a few weeks; the bound keeps a corrupt table finite.
        for _ in 0..366 {
            if !self.is_rest_day(d) {
                return d;
            }
            match d.checked_add_days(Days::new(1)) {
                Some(n) => d = n,
                None => return d,
            }
        }
        d
    }

    /// The last day of a period of `days` days that starts on `start` (not counted), moved past
    /// rest days.
    pub fn days_after(&self, start: NaiveDate, days: u32) -> NaiveDate {
        let end = start
            .checked_add_days(Days::new(u64::from(days)))
            .unwrap_or(start);
        self.next_working_day(end)
    }

    /// The last day of a period of `years` years from `start`, moved past rest days (a period in
    /// years ends on the same day of the month, 29 February on 28 February).
    pub fn years_after(&self, start: NaiveDate, years: u32) -> NaiveDate {
        let end = start
            .checked_add_months(Months::new(12 * years))
            .unwrap_or(start);
        self.next_working_day(end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn the_shipped_table_reads_and_moves_working_days_only_onto_weekends() {
        let text = include_str!("holidays.csv");
        let cal = Calendar::from_csv(text).expect("shipped table");
        assert!(cal.covers(2025) && cal.covers(2026) && !cal.covers(2027));
        for w in &cal.workdays {
            assert!(matches!(w.weekday(), Weekday::Sat | Weekday::Sun), "{w}");
        }
        assert_eq!(Calendar::shipped(), &cal);
    }

    #[test]
    fn a_period_does_not_count_its_first_day_and_ends_after_rest_days() {
        let cal = Calendar::shipped();
        // Served on Monday 2026-03-02: the 15 days run 3 March … 17 March (a Tuesday).
        assert_eq!(cal.days_after(d("2026-03-02"), 15), d("2026-03-17"));
        // Ending on Saturday 2026-03-21 → Monday 23 March.
        assert_eq!(cal.days_after(d("2026-03-06"), 15), d("2026-03-23"));
        // Ending inside the National Day holiday (1–7 October 2026) → Thursday 8 October.
        assert_eq!(cal.days_after(d("2026-09-18"), 15), d("2026-10-08"));
        // Ending on Saturday 2026-10-10, a moved working day → stays.
        assert_eq!(cal.days_after(d("2026-09-25"), 15), d("2026-10-10"));
        // Spring Festival 2026 (15–23 February): ending on the 17th → Tuesday 24 February.
        assert_eq!(cal.days_after(d("2026-02-02"), 15), d("2026-02-24"));
        // A year not in the table: weekends only.
        assert_eq!(cal.days_after(d("2027-09-16"), 15), d("2027-10-01"));
    }

    #[test]
    fn a_period_in_years_ends_on_the_same_day() {
        let cal = Calendar::shipped();
        assert_eq!(cal.years_after(d("2025-03-17"), 2), d("2027-03-17"));
        // 29 February → 28 February 2026, a Saturday worked instead of the Spring Festival: stays.
        assert_eq!(cal.years_after(d("2024-02-29"), 2), d("2026-02-28"));
        assert_eq!(cal.years_after(d("2025-02-21"), 1), d("2026-02-24"));
    }

    #[test]
    fn a_bad_table_names_its_line() {
        let e = Calendar::from_csv("date,kind,name\n2026-13-01,holiday,x\n").unwrap_err();
        assert_eq!(e.line, 2);
        let e = Calendar::from_csv("2026-01-01,party,x\n").unwrap_err();
        assert!(e.message.contains("holiday"), "{e}");
    }
}
