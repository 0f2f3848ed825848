//! Money ([`Yuan`]) and interest rates ([`Rate`]): decimal newtypes, never floating point.

use rust_decimal::{Decimal, RoundingStrategy};
use std::fmt;
use std::ops::{Add, Sub};
use std::str::FromStr;

/// An amount of RMB in yuan, held to the fen (two decimals, half-up rounding on construction).
///
/// Serialises as a string with exactly two decimals (`"12345.60"`), the gold schema's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Yuan(Decimal);

impl Yuan {
    /// Zero yuan.
    pub const ZERO: Yuan = Yuan(Decimal::ZERO);

    /// Rounds `d` half-up to the fen.
    pub fn new(d: Decimal) -> Yuan {
        let mut v = d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
        v.rescale(2);
        Yuan(v)
    }

    /// An amount from a whole number of fen (分).
    pub fn from_fen(fen: i64) -> Yuan {
        Yuan::new(Decimal::new(fen, 2))
    }

    /// The amount as a decimal number of yuan.
    pub fn as_decimal(self) -> Decimal {
        self.0
    }

    /// The amount in whole fen.
    pub fn fen(self) -> i64 {
        (self.0 * Decimal::ONE_HUNDRED)
            .trunc()
            .try_into()
            .unwrap_or(i64::MAX)
    }

    /// True when the amount is zero.
    pub fn is_zero(self) -> bool {
        self.0.is_zero()
    }

    /// The larger of two amounts.
    pub fn max(self, other: Yuan) -> Yuan {
        if self >= other { self } else { other }
    }

    /// The smaller of two amounts.
    pub fn min(self, other: Yuan) -> Yuan {
        if self <= other { self } else { other }
    }

    /// Multiplies by a decimal factor (a rate times a day fraction) and rounds to the fen.
    pub fn scale(self, factor: Decimal) -> Yuan {
        Yuan::new(self.0 * factor)
    }

    /// Formats with thousands separators, as judgments print amounts (`1,234,567.80`).
    pub fn grouped(self) -> String {
        let s = format!("{:.2}", self.0);
        let (sign, s) = s.strip_prefix('-').map_or(("", s.as_str()), |r| ("-", r));
        let (int, frac) = s.split_once('.').unwrap_or((s, "00"));
        let mut out = String::new();
        for (i, ch) in int.chars().enumerate() {
            if i > 0 && (int.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(ch);
        }
        format!("{sign}{out}.{frac}")
    }
}

impl fmt::Display for Yuan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.2}", self.0)
    }
}

impl FromStr for Yuan {
    type Err = rust_decimal::Error;
    /// Parses the schema form (`"1234.50"`); use `extract::amount` for Chinese text.
    fn from_str(s: &str) -> Result<Yuan, Self::Err> {
        Decimal::from_str(s.trim()).map(Yuan::new)
    }
}

impl Add for Yuan {
    type Output = Yuan;
    fn add(self, rhs: Yuan) -> Yuan {
        Yuan::new(self.0 + rhs.0)
    }
}

impl Sub for Yuan {
    type Output = Yuan;
    fn sub(self, rhs: Yuan) -> Yuan {
        Yuan::new(self.0 - rhs.0)
    }
}

impl std::iter::Sum for Yuan {
    fn sum<I: Iterator<Item = Yuan>>(iter: I) -> Yuan {
        iter.fold(Yuan::ZERO, |a, b| a + b)
    }
}

impl serde::Serialize for Yuan {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Yuan {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Yuan, D::Error> {
        let s = String::deserialize(d)?;
        Yuan::from_str(&s).map_err(serde::de::Error::custom)
    }
}

/// A yearly interest rate as a decimal fraction (`0.0435` is 4.35 % per year).
///
/// Monthly (月利率 ‰) and daily (日利率 万分之) rates are converted on parsing, in
/// `extract::rate`, by ×12 and ×360 (the banking convention; see `rules` for day counts).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Rate(Decimal);

impl Rate {
    /// A yearly rate from a decimal fraction; normalised to at most 8 decimals.
    pub fn yearly(fraction: Decimal) -> Rate {
        Rate(fraction.round_dp(8).normalize())
    }

    /// A yearly rate from a percentage (`4.35` → `0.0435`).
    pub fn from_percent(p: Decimal) -> Rate {
        Rate::yearly(p / Decimal::ONE_HUNDRED)
    }

    /// The yearly fraction.
    pub fn fraction(self) -> Decimal {
        self.0
    }

    /// The rate as a percentage, for display (`4.35`).
    pub fn percent(self) -> Decimal {
        (self.0 * Decimal::ONE_HUNDRED).normalize()
    }
}

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.normalize())
    }
}

impl FromStr for Rate {
    type Err = rust_decimal::Error;
    fn from_str(s: &str) -> Result<Rate, Self::Err> {
        Decimal::from_str(s.trim()).map(Rate::yearly)
    }
}

impl serde::Serialize for Rate {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Rate {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Rate, D::Error> {
        let s = String::deserialize(d)?;
        Rate::from_str(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yuan_rounds_half_up_and_prints_two_decimals() {
        let y: Yuan = "1234.565".parse().unwrap();
        assert_eq!(y.to_string(), "1234.57");
        assert_eq!(Yuan::from_fen(5).to_string(), "0.05");
        assert_eq!(
            "1234567.8".parse::<Yuan>().unwrap().grouped(),
            "1,234,567.80"
        );
        assert_eq!("100".parse::<Yuan>().unwrap().grouped(), "100.00");
        assert_eq!(
            serde_json::to_string(&Yuan::from_fen(100)).unwrap(),
            "\"1.00\""
        );
    }

    #[test]
    fn rate_from_percent() {
        let r = Rate::from_percent(Decimal::new(435, 2));
        assert_eq!(r.to_string(), "0.0435");
        assert_eq!(r.percent().to_string(), "4.35");
    }
}
