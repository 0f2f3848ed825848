//! [`RulesConfig`]: the per-court parameters of the rules, with national defaults, and their
//! TOML override format.
//!
//! Every number here is a setting, not a constant, because the domain file marks it as varying by
//! court or as unverified (\[M\]): the 24 % ceiling, the credit-card regime, the day count, fee
//! rounding and the small-claims thresholds.

use super::RulesError;
use super::fee::{FeeRounding, FeeSlice, TieredSchedule};
use super::tables::{SmallClaimsThreshold, default_small_claims};
use crate::domain::lpr::{LprQuote, LprTable};
use crate::domain::{Rate, Yuan};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Deserialize;
use std::str::FromStr;

/// The rules' parameters for one court. [`Default`] gives the national defaults of the domain file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RulesConfig {
    /// Name of this configuration (court or profile), recorded in every outcome's `rules_version`.
    pub profile: String,
    /// All-in ceiling for licensed lenders (banks, consumer finance, AMCs on bank debts): 24 %/yr,
    /// 法发〔2017〕22号 第2条 \[M\] (domain file §2.2).
    pub cap_financial: Rate,
    /// All-in ceiling applied to credit-card debt, or `None` where the court weighs the cost case
    /// by case under 银行卡规定第二条 \[P\] (no numeric cap in the text). Default 24 % by analogy,
    /// the common court practice \[M\] (domain file §2.5).
    pub cap_credit_card: Option<Rate>,
    /// Private lending: the multiple of the one-year LPR at contract formation, 4
    /// (民间借贷规定第二十五条 \[P\]).
    pub private_lending_lpr_multiple: Decimal,
    /// Private-lending contracts formed before 2020-08-20 (or before the first LPR quote): the
    /// ceiling applied by default, 24 % (the old protected zone, 民间借贷规定第三十一条 \[P\]).
    pub private_lending_pre_2020_cap: Rate,
    /// Days in the interest year: 360 (bank contracts) or 365 (domain file §2.6 \[M\]).
    pub day_count: u32,
    /// Court-fee rounding.
    pub fee_rounding: FeeRounding,
    /// Limitation period in years, 3 (民法典第一百八十八条 \[P\]).
    pub limitation_years: u32,
    /// Guarantee period when none (or an invalid one) is agreed, 6 months
    /// (民法典第六百九十二条第二款 \[P\]).
    pub default_guarantee_period_months: u32,
    /// Province of the court, for the small-claims threshold. Default `浙江`.
    pub province: String,
    /// Small-claims thresholds `(province, effective_from) → (mandatory_max, optional_max)`.
    pub small_claims: Vec<SmallClaimsThreshold>,
    /// LPR history: the shipped table ([`LprTable::shipped`]) plus the court's `[[lpr]]` rows.
    /// The pipeline hands it to extraction too, so "LPR + x 基点" contract rates read the same
    /// quotes as the cap.
    pub lpr: LprTable,
    /// The 案件受理费 schedule: 诉讼费用交纳办法第十三条(一) \[P\] unless the court overrides it.
    pub fee_schedule: TieredSchedule,
    /// The 申请保全措施 fee schedule: 第十四条(二) \[P\] (capped at 5,000) unless overridden.
    pub preservation_schedule: TieredSchedule,
    /// The 申请执行 fee schedule: 第十四条(一) \[P\] unless overridden.
    pub enforcement_schedule: TieredSchedule,
}

impl Default for RulesConfig {
    fn default() -> RulesConfig {
        RulesConfig {
            profile: "national-default".to_owned(),
            cap_financial: Rate::from_percent(Decimal::from(24)),
            cap_credit_card: Some(Rate::from_percent(Decimal::from(24))),
            private_lending_lpr_multiple: Decimal::from(4),
            private_lending_pre_2020_cap: Rate::from_percent(Decimal::from(24)),
            day_count: 360,
            fee_rounding: FeeRounding::Fen,
            limitation_years: 3,
            default_guarantee_period_months: 6,
            province: "浙江".to_owned(),
            small_claims: default_small_claims(),
            lpr: LprTable::shipped().clone(),
            fee_schedule: TieredSchedule::acceptance(),
            preservation_schedule: TieredSchedule::preservation(),
            enforcement_schedule: TieredSchedule::enforcement(),
        }
    }
}

impl RulesConfig {
    /// The LPR quote in force on `date` in this configuration's table: the latest row dated on
    /// or before it; `None` before the first row (domain file §3).
    pub fn lpr_at(&self, date: NaiveDate) -> Option<LprQuote> {
        self.lpr.at(date)
    }

    /// The one-year LPR in force on `date` (see [`RulesConfig::lpr_at`]).
    pub fn lpr_1y_at(&self, date: NaiveDate) -> Option<Rate> {
        self.lpr.one_year_at(date)
    }
}

/// A date in the override file: a TOML date literal (`2025-01-01`) or a string (`"2025-01-01"`).
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum TomlDate {
    Literal(toml::value::Datetime),
    Text(String),
}

impl TomlDate {
    fn parse(&self) -> Result<NaiveDate, RulesError> {
        let s = match self {
            TomlDate::Literal(d) => d.to_string(),
            TomlDate::Text(s) => s.clone(),
        };
        NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
            .map_err(|_| RulesError::Config(format!("bad date {s:?} (want YYYY-MM-DD)")))
    }
}

/// A number in the override file: `24`, `0.24` or `"0.24"` (strings keep decimals exact).
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum TomlNumber {
    Int(i64),
    Text(String),
    Float(f64),
}

impl TomlNumber {
    fn decimal(&self, what: &str) -> Result<Decimal, RulesError> {
        match self {
            TomlNumber::Int(i) => Ok(Decimal::from(*i)),
            TomlNumber::Text(s) => Decimal::from_str(s.trim())
                .map_err(|_| RulesError::Config(format!("{what}: bad number {s:?}"))),
            // A TOML float is parsed once, through its shortest decimal text, so `0.24` stays 0.24.
            TomlNumber::Float(f) => Decimal::from_str(&f.to_string())
                .map_err(|_| RulesError::Config(format!("{what}: bad number {f}"))),
        }
    }

    /// A rate given as a fraction (`0.24`) or a percentage (`24`): values above 1 are percents.
    fn rate(&self, what: &str) -> Result<Rate, RulesError> {
        let d = self.decimal(what)?;
        if d.is_sign_negative() {
            return Err(RulesError::Config(format!("{what}: negative rate")));
        }
        Ok(if d > Decimal::ONE {
            Rate::from_percent(d)
        } else {
            Rate::yearly(d)
        })
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCaps {
    financial: Option<TomlNumber>,
    /// A rate, or the string `"none"` for case-by-case weighing.
    credit_card: Option<TomlNumber>,
    private_lending_lpr_multiple: Option<TomlNumber>,
    private_lending_pre_2020: Option<TomlNumber>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawThreshold {
    province: String,
    effective_from: TomlDate,
    mandatory_max: TomlNumber,
    optional_max: TomlNumber,
    source: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLpr {
    date: TomlDate,
    /// Percent per year (`3.45`).
    one_year: TomlNumber,
    /// Percent per year.
    five_year: TomlNumber,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSlice {
    from: TomlNumber,
    to: Option<TomlNumber>,
    /// Percent (`2.5`).
    percent: TomlNumber,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFeeSchedule {
    flat: TomlNumber,
    flat_up_to: TomlNumber,
    slices: Vec<RawSlice>,
    rule: Option<String>,
    /// Maximum fee (the preservation schedule's 5,000); absent = no cap.
    cap: Option<TomlNumber>,
}

impl RawFeeSchedule {
    /// The typed schedule; `key` names the TOML table in errors, `profile` the default rule text.
    fn schedule(self, key: &str, profile: &str) -> Result<TieredSchedule, RulesError> {
        let mut slices = Vec::new();
        for (i, sl) in self.slices.iter().enumerate() {
            let what = format!("{key}.slices[{i}]");
            slices.push(FeeSlice {
                from: sl.from.decimal(&what)?,
                to: sl.to.as_ref().map(|t| t.decimal(&what)).transpose()?,
                rate: sl.percent.decimal(&what)? / Decimal::ONE_HUNDRED,
            });
        }
        let cap = self
            .cap
            .as_ref()
            .map(|c| c.decimal(&format!("{key}.cap")))
            .transpose()?;
        let schedule = TieredSchedule {
            rule: self
                .rule
                .unwrap_or_else(|| format!("本院诉讼费标准（{profile}）")),
            flat: self.flat.decimal(&format!("{key}.flat"))?,
            flat_up_to: self.flat_up_to.decimal(&format!("{key}.flat_up_to"))?,
            slices,
            cap,
        };
        schedule
            .validate()
            .map_err(|e| RulesError::Config(format!("{key}: {e}")))?;
        Ok(schedule)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    profile: Option<String>,
    province: Option<String>,
    day_count: Option<u32>,
    fee_rounding: Option<FeeRounding>,
    limitation_years: Option<u32>,
    default_guarantee_period_months: Option<u32>,
    caps: Option<RawCaps>,
    #[serde(default)]
    small_claims: Vec<RawThreshold>,
    #[serde(default)]
    lpr: Vec<RawLpr>,
    fee_schedule: Option<RawFeeSchedule>,
    preservation_schedule: Option<RawFeeSchedule>,
    enforcement_schedule: Option<RawFeeSchedule>,
}

impl RulesConfig {
    /// The national defaults overridden by a court's TOML file. Every key is optional:
    ///
    /// ```toml
    /// profile = "某某区人民法院"
    /// province = "江苏"
    /// day_count = 365                      # 360 or 365
    /// fee_rounding = "yuan"                # "fen" | "yuan"
    /// limitation_years = 3
    /// default_guarantee_period_months = 6
    /// [caps]
    /// financial = "0.24"                   # fraction, or percent when > 1
    /// credit_card = "none"                 # a rate, or "none" (case by case)
    /// private_lending_lpr_multiple = 4
    /// private_lending_pre_2020 = "0.24"
    /// [[small_claims]]                     # added to the shipped table; same key replaces
    /// province = "浙江"
    /// effective_from = 2025-01-01
    /// mandatory_max = "60000"
    /// optional_max = "240000"
    /// [[lpr]]                              # added to the shipped LPR table; same date replaces
    /// date = 2026-03-20
    /// one_year = "3.00"                    # percent
    /// five_year = "3.50"
    /// [fee_schedule]                       # replaces the 第十三条(一) schedule as a whole
    /// flat = 50
    /// flat_up_to = 10000
    /// slices = [ { from = 10000, to = 100000, percent = "2.5" },
    ///            { from = 100000, percent = "2" } ]
    /// [preservation_schedule]              # replaces 第十四条(二) as a whole; same keys, plus
    /// flat = 30                            # an optional fee cap
    /// flat_up_to = 1000
    /// cap = 5000
    /// slices = [ { from = 1000, to = 100000, percent = "1" },
    ///            { from = 100000, percent = "0.5" } ]
    /// [enforcement_schedule]               # replaces 第十四条(一) as a whole
    /// flat = 50
    /// flat_up_to = 10000
    /// slices = [ { from = 10000, percent = "1.5" } ]
    /// ```
    pub fn from_toml(s: &str) -> Result<RulesConfig, RulesError> {
        let raw: RawConfig = toml::from_str(s).map_err(|e| RulesError::Config(e.to_string()))?;
        let mut cfg = RulesConfig::default();
        if let Some(p) = raw.profile {
            cfg.profile = p;
        }
        if let Some(p) = raw.province {
            cfg.province = p;
        }
        if let Some(dc) = raw.day_count {
            if dc != 360 && dc != 365 {
                return Err(RulesError::Config(format!(
                    "day_count must be 360 or 365, not {dc}"
                )));
            }
            cfg.day_count = dc;
        }
        if let Some(r) = raw.fee_rounding {
            cfg.fee_rounding = r;
        }
        if let Some(y) = raw.limitation_years {
            cfg.limitation_years = y;
        }
        if let Some(m) = raw.default_guarantee_period_months {
            cfg.default_guarantee_period_months = m;
        }
        if let Some(caps) = raw.caps {
            if let Some(v) = caps.financial {
                cfg.cap_financial = v.rate("caps.financial")?;
            }
            if let Some(v) = caps.credit_card {
                cfg.cap_credit_card = match &v {
                    TomlNumber::Text(s) if s.trim().eq_ignore_ascii_case("none") => None,
                    _ => Some(v.rate("caps.credit_card")?),
                };
            }
            if let Some(v) = caps.private_lending_lpr_multiple {
                cfg.private_lending_lpr_multiple =
                    v.decimal("caps.private_lending_lpr_multiple")?;
            }
            if let Some(v) = caps.private_lending_pre_2020 {
                cfg.private_lending_pre_2020_cap = v.rate("caps.private_lending_pre_2020")?;
            }
        }
        for row in raw.small_claims {
            let t = SmallClaimsThreshold {
                province: row.province,
                effective_from: row.effective_from.parse()?,
                mandatory_max: Yuan::new(row.mandatory_max.decimal("small_claims.mandatory_max")?),
                optional_max: Yuan::new(row.optional_max.decimal("small_claims.optional_max")?),
                source: row
                    .source
                    .unwrap_or_else(|| format!("court override ({})", cfg.profile)),
            };
            if t.optional_max < t.mandatory_max {
                return Err(RulesError::Config(format!(
                    "small_claims {} {}: optional_max below mandatory_max",
                    t.province, t.effective_from
                )));
            }
            cfg.small_claims
                .retain(|o| !(o.province == t.province && o.effective_from == t.effective_from));
            cfg.small_claims.push(t);
        }
        for row in raw.lpr {
            let q = LprQuote {
                date: row.date.parse()?,
                one_year: Rate::from_percent(row.one_year.decimal("lpr.one_year")?),
                five_year: Rate::from_percent(row.five_year.decimal("lpr.five_year")?),
            };
            if q.one_year.fraction().is_sign_negative() || q.five_year.fraction().is_sign_negative()
            {
                return Err(RulesError::Config(format!("lpr {}: negative rate", q.date)));
            }
            cfg.lpr.insert(q);
        }
        if let Some(fs) = raw.fee_schedule {
            cfg.fee_schedule = fs.schedule("fee_schedule", &cfg.profile)?;
        }
        if let Some(fs) = raw.preservation_schedule {
            cfg.preservation_schedule = fs.schedule("preservation_schedule", &cfg.profile)?;
        }
        if let Some(fs) = raw.enforcement_schedule {
            cfg.enforcement_schedule = fs.schedule("enforcement_schedule", &cfg.profile)?;
        }
        Ok(cfg)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::tables::threshold_at;

    #[test]
    fn defaults_are_the_national_ones() {
        let c = RulesConfig::default();
        assert_eq!(c.cap_financial.to_string(), "0.24");
        assert_eq!(c.day_count, 360);
        assert_eq!(c.province, "浙江");
        assert_eq!(c.small_claims.len(), 4);
        assert_eq!(c.private_lending_lpr_multiple, Decimal::from(4));
    }

    #[test]
    fn toml_override() {
        let c = RulesConfig::from_toml(
            r#"
            profile = "测试区人民法院"
            province = "江苏"
            day_count = 365
            fee_rounding = "yuan"
            [caps]
            financial = 24
            credit_card = "none"
            [[small_claims]]
            province = "浙江"
            effective_from = 2025-01-01
            mandatory_max = "60000"
            optional_max = 240000
            "#,
        )
        .unwrap();
        assert_eq!(c.profile, "测试区人民法院");
        assert_eq!(c.province, "江苏");
        assert_eq!(c.day_count, 365);
        assert_eq!(c.fee_rounding, FeeRounding::Yuan);
        assert_eq!(c.cap_financial.to_string(), "0.24");
        assert_eq!(c.cap_credit_card, None);
        let d = NaiveDate::from_ymd_opt(2025, 3, 1).unwrap();
        let zj = threshold_at(&c.small_claims, "浙江", d).unwrap();
        assert_eq!(zj.mandatory_max, Yuan::new(Decimal::from(60_000)));
        // Empty file = defaults.
        assert_eq!(RulesConfig::from_toml("").unwrap(), RulesConfig::default());
        // A fractional float stays exact.
        let c = RulesConfig::from_toml("[caps]\nfinancial = 0.18").unwrap();
        assert_eq!(c.cap_financial.to_string(), "0.18");
    }

    #[test]
    fn toml_errors_are_typed() {
        assert!(matches!(
            RulesConfig::from_toml("day_count = 300"),
            Err(RulesError::Config(_))
        ));
        assert!(matches!(
            RulesConfig::from_toml("unknown_key = 1"),
            Err(RulesError::Config(_))
        ));
        assert!(matches!(
            RulesConfig::from_toml("day_count = "),
            Err(RulesError::Config(_))
        ));
        let bad_date = "[[small_claims]]\nprovince='浙江'\neffective_from='2025-13-01'\nmandatory_max=1\noptional_max=2";
        assert!(RulesConfig::from_toml(bad_date).is_err());
    }
}
