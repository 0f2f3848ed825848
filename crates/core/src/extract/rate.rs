//! Interest rates as filings write them, normalised to a yearly fraction ([`Rate`]).
//!
//! Conversions (banking convention, the one loan contracts and judgments use):
//! - 年利率 / 年化 / 年息 `x%` (or `x‰`): as is;
//! - 月利率 / 月息 `x‰` or `x%`: × 12;
//! - 日利率 / 日息 `万分之x`, `x‰` or `x%`: × 360 (a 360-day banking year; the day count used
//!   for *accrual* is `rules`' business, not ours);
//! - `LPR` / `贷款市场报价利率` plus basis points (`加50个基点`, `+50bp`) or percentage points
//!   (`LPR+0.5%`, `加0.5个百分点`): the one-year LPR in force at the contract date plus the
//!   spread; `上浮x%` or `×(1+x%)`: the LPR times (1 + x%);
//! - 罚息 `在借款利率基础上上浮50%` / `加收50%` / `1.5倍`: the contract rate × 1.5
//!   ([`parse_penalty_rate`]), or a fixed rate written as above.
//!
//! The LPR table is the domain's [`LprTable`]: the shipped one by default ([`parse_rate`]), or
//! a court's, with its `[[lpr]]` override rows ([`parse_rate_with`]); the rate at date D is the
//! latest quote dated on or before D (domain notes §3). Owns only text → rate; caps are
//! `rules`' job.

use super::amount::{fold_width, parse_cn_int};
use crate::domain::Rate;
use crate::domain::lpr::LprTable;
use chrono::NaiveDate;
use regex::Regex;
use rust_decimal::Decimal;
use std::str::FromStr;
use std::sync::OnceLock;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Period {
    Year,
    Month,
    Day,
}

impl Period {
    fn factor(self) -> Decimal {
        match self {
            Period::Year => Decimal::ONE,
            Period::Month => Decimal::from(12),
            Period::Day => Decimal::from(360),
        }
    }
}

/// A number in figures or Chinese (`4.35`, `五十`, `四点三五`).
fn number(s: &str) -> Option<Decimal> {
    if let Ok(d) = Decimal::from_str(s) {
        // Rates are small numbers; refusing huge ones keeps every product in range.
        return (d < Decimal::from(1_000_000)).then_some(d);
    }
    let (int, frac) = s.split_once('点').unwrap_or((s, ""));
    let mut v = Decimal::from(u64::try_from(parse_cn_int(int)?).ok()?);
    let mut scale = Decimal::ONE;
    for c in frac.chars() {
        scale /= Decimal::TEN;
        let d = match c {
            '零' | '〇' => 0,
            _ => super::amount::cn_digit(c)?,
        };
        v += Decimal::from(d) * scale;
    }
    Some(v)
}

const NUM: &str =
    r"[0-9]+(?:\.[0-9]+)?|[零〇一二三四五六七八九十百两]+(?:点[零〇一二三四五六七八九]+)?";

fn value_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(&format!(
            r"(?:万分之(?P<wf>{NUM}))|(?:千分之(?P<qf>{NUM}))|(?:百分之(?P<bf>{NUM}))|(?:(?P<n>[0-9]+(?:\.[0-9]+)?)[ \t]*(?P<u>%|‰|‱))|(?:(?P<fen_w>[月年]息|月利率|年利率|每月|按月)(?P<fen>[0-9一二三四五六七八九]|[0-9]\.[0-9]+)分(?P<fen_tail>[0-9一二三四五六七八九])?)|(?:[月年]息(?P<li>[0-9一二三四五六七八九]|[0-9]\.[0-9]+)厘)"
        ))
        .expect("static regex")
    })
}

fn period_before(text: &str) -> Option<Period> {
    // The last period word before the number decides.
    let mut best: Option<(usize, Period)> = None;
    for (w, p) in [
        ("年利率", Period::Year),
        ("年化", Period::Year),
        ("年息", Period::Year),
        ("年率", Period::Year),
        ("年费率", Period::Year),
        ("按年", Period::Year),
        ("每年", Period::Year),
        ("月利率", Period::Month),
        ("月息", Period::Month),
        ("月利", Period::Month),
        ("按月", Period::Month),
        ("每月", Period::Month),
        ("月费率", Period::Month),
        ("日利率", Period::Day),
        ("日息", Period::Day),
        ("日利", Period::Day),
        ("按日", Period::Day),
        ("每日", Period::Day),
        ("日费率", Period::Day),
        ("日万分之", Period::Day),
    ] {
        if let Some(i) = text.rfind(w)
            && best.is_none_or(|(j, _)| i >= j)
        {
            best = Some((i, p));
        }
    }
    best.map(|b| b.1)
}

/// The first rate value in `t` (already width-folded), converted to a yearly fraction, with
/// the byte range of the number.
fn first_rate(t: &str) -> Option<(Decimal, std::ops::Range<usize>)> {
    let caps = value_re().captures(t)?;
    let whole = caps.get(0)?;
    let before = &t[..whole.start()];
    let (fraction, default_period) = if let Some(m) = caps.name("wf") {
        (number(m.as_str())? / Decimal::from(10_000), Period::Day)
    } else if let Some(m) = caps.name("qf") {
        (number(m.as_str())? / Decimal::from(1000), Period::Month)
    } else if let Some(m) = caps.name("bf") {
        (number(m.as_str())? / Decimal::ONE_HUNDRED, Period::Year)
    } else if let Some(m) = caps.name("fen") {
        // 月息2分 = 2 % a month (private-lending usage, also 每月2分 / 月利率2分);
        // 月息1分5 = 1.5 % a month; 年息1分 = 10 % a year.
        let mut n = number(m.as_str())?;
        if let Some(t) = caps.name("fen_tail") {
            n += number(t.as_str())? / Decimal::TEN;
        }
        if caps
            .name("fen_w")
            .is_some_and(|w| w.as_str().starts_with('年'))
        {
            (n / Decimal::TEN, Period::Year)
        } else {
            (n / Decimal::ONE_HUNDRED, Period::Month)
        }
    } else if let Some(m) = caps.name("li") {
        // 月息8厘 = 0.8 % a month; 年息8厘 = 8 % a year.
        let n = number(m.as_str())?;
        if whole.as_str().starts_with('年') {
            (n / Decimal::ONE_HUNDRED, Period::Year)
        } else {
            (n / Decimal::from(1000), Period::Month)
        }
    } else {
        let n = number(caps.name("n")?.as_str())?;
        match caps.name("u")?.as_str() {
            "%" => (n / Decimal::ONE_HUNDRED, Period::Year),
            "‰" => (n / Decimal::from(1000), Period::Month),
            _ => (n / Decimal::from(10_000), Period::Day),
        }
    };
    // A period written after the number, as forms write it (`0.5%/月`, `4.35%/年`), beats a
    // period word before it.
    let rest = &t[whole.end()..];
    let period_after = if rest.starts_with(['/', '／']) {
        match rest.trim_start_matches(['/', '／']).chars().next() {
            Some('年') => Some(Period::Year),
            Some('月') => Some(Period::Month),
            Some('日' | '天') => Some(Period::Day),
            _ => None,
        }
    } else {
        None
    };
    let period = if caps.name("fen").is_some() || caps.name("li").is_some() {
        default_period
    } else if let Some(p) = period_after {
        p
    } else {
        period_before(before).unwrap_or(default_period)
    };
    Some((fraction * period.factor(), whole.range()))
}

fn lpr_spread_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(&format!(
            r"(?P<op>加上|加|\+|上浮|上调|减去|减|-|−|下浮|下调)[ \t]*(?P<n>{NUM})[ \t]*(?P<u>个基点|基点|[bB][pP][sS]?|个百分点|%|％)|[×xX\*乘以]+[ \t]*[（(][ \t]*1[ \t]*(?P<sign>[+\-])[ \t]*(?P<m>[0-9]+(?:\.[0-9]+)?)[ \t]*%[ \t]*[)）]"
        ))
        .expect("static regex")
    })
}

/// The rate in an LPR formula at `date`, if `t` is one.
fn lpr_formula(t: &str, date: NaiveDate, lpr: &LprTable) -> Option<Rate> {
    let base = lpr.one_year_at(date)?.fraction();
    let pos = t.find("LPR").or_else(|| t.find("贷款市场报价利率"))?;
    let rest = &t[pos..];
    let Some(caps) = lpr_spread_re().captures(rest) else {
        return Some(Rate::yearly(base));
    };
    // The spread must follow the LPR words closely, not be some later number in the clause.
    if caps
        .get(0)
        .is_some_and(|m| rest[..m.start()].chars().count() > 24)
    {
        return Some(Rate::yearly(base));
    }
    if let Some(m) = caps.name("m") {
        let x = Decimal::from_str(m.as_str()).ok()? / Decimal::ONE_HUNDRED;
        let f = if caps.name("sign").is_some_and(|s| s.as_str() == "-") {
            Decimal::ONE - x
        } else {
            Decimal::ONE + x
        };
        return Some(Rate::yearly(base * f));
    }
    let op = caps.name("op")?.as_str();
    let n = number(caps.name("n")?.as_str())?;
    let minus = matches!(op, "减去" | "减" | "-" | "−" | "下浮" | "下调");
    let unit = caps.name("u")?.as_str();
    let v = if unit.contains("基点") || unit.to_ascii_lowercase().starts_with("bp") {
        let spread = n / Decimal::from(10_000);
        if minus { base - spread } else { base + spread }
    } else if unit == "个百分点" || !matches!(op, "上浮" | "上调" | "下浮" | "下调") {
        let spread = n / Decimal::ONE_HUNDRED;
        if minus { base - spread } else { base + spread }
    } else {
        // 上浮30%: a relative rise, LPR × (1 + 30%).
        let x = n / Decimal::ONE_HUNDRED;
        if minus {
            base * (Decimal::ONE - x)
        } else {
            base * (Decimal::ONE + x)
        }
    };
    Some(Rate::yearly(v))
}

/// Parses a rate clause (`年利率4.35%`, `月利率5‰`, `日利率万分之五`, `LPR加50个基点`,
/// `贷款市场报价利率（LPR）+0.5%`, `LPR×(1+30%)`) into a yearly fraction.
///
/// LPR formulas need `contract_date` (the LPR at that date is the base); without it, or before
/// 2019-08-20, an LPR formula falls back to an explicit figure in the clause if there is one
/// (`即年利率4.35%`), else `None`. A bare `x%` is read as yearly, a bare `x‰` as monthly and
/// `万分之x` as daily. LPR formulas read the shipped table ([`LprTable::shipped`]).
pub fn parse_rate(s: &str, contract_date: Option<NaiveDate>) -> Option<Rate> {
    parse_rate_with(s, contract_date, LprTable::shipped())
}

/// [`parse_rate`] with LPR formulas read from `lpr` (a court's table, override rows merged).
pub fn parse_rate_with(s: &str, contract_date: Option<NaiveDate>, lpr: &LprTable) -> Option<Rate> {
    let t = fold_width(s);
    if (t.contains("LPR") || t.contains("贷款市场报价利率"))
        && let Some(r) = contract_date.and_then(|d| lpr_formula(&t, d, lpr))
    {
        return Some(r);
    }
    let (v, _) = first_rate(&t)?;
    (v > Decimal::ZERO && v < Decimal::from(10)).then(|| Rate::yearly(v))
}

fn uplift_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(&format!(
            r"(?:上浮|加收|提高|上调|加)(?:[ \t■√☑]|[（(][ \t]*√[ \t]*[）)])*(?:(?P<p>[0-9]+(?:\.[0-9]+)?)[ \t]*%|百分之(?P<bf>{NUM}))|(?P<x>[0-9]+(?:\.[0-9]+)?|[一二三两]点[0-9一二三四五六七八九])[ \t]*倍"
        ))
        .expect("static regex")
    })
}

/// Parses a penalty-interest (罚息) clause: a relative uplift on the contract rate
/// (`在借款利率基础上上浮50%`, `加收50%`, `按借款利率的1.5倍`) needs `base`, the contract rate;
/// otherwise a fixed rate written as [`parse_rate`] reads it.
pub fn parse_penalty_rate(
    s: &str,
    base: Option<Rate>,
    contract_date: Option<NaiveDate>,
) -> Option<Rate> {
    parse_penalty_rate_with(s, base, contract_date, LprTable::shipped())
}

/// [`parse_penalty_rate`] with LPR formulas read from `lpr` (see [`parse_rate_with`]).
pub fn parse_penalty_rate_with(
    s: &str,
    base: Option<Rate>,
    contract_date: Option<NaiveDate>,
    lpr: &LprTable,
) -> Option<Rate> {
    let t = fold_width(s);
    let relative =
        t.contains("基础上") || t.contains("上浮") || t.contains("加收") || t.contains('倍');
    if relative
        && !t.contains("LPR")
        && !t.contains("贷款市场报价利率")
        && let Some(caps) = uplift_re().captures(&t)
    {
        let base = base?.fraction();
        let factor = if let Some(p) = caps.name("p") {
            Decimal::ONE + Decimal::from_str(p.as_str()).ok()? / Decimal::ONE_HUNDRED
        } else if let Some(p) = caps.name("bf") {
            Decimal::ONE + number(p.as_str())? / Decimal::ONE_HUNDRED
        } else {
            number(caps.name("x")?.as_str())?
        };
        return Some(Rate::yearly(base * factor));
    }
    parse_rate_with(s, contract_date, lpr)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(s: &str) -> Rate {
        s.parse().unwrap()
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn an_uplift_ticked_on_a_form() {
        // The 2024 element-style forms: `逾期上浮□ ％/年`, ticked one way or another.
        for s in ["逾期上浮■ 50%", "逾期上浮（√） 50%", "逾期上浮√ 50%"] {
            assert_eq!(
                parse_penalty_rate(s, Some(r("0.06")), None),
                Some(r("0.09")),
                "{s}"
            );
        }
    }

    #[test]
    fn a_period_after_the_figure_as_forms_write_it() {
        assert_eq!(
            parse_rate("利率■ 0.7%/月（合同条款：第5条）", None),
            Some(r("0.084"))
        );
        assert_eq!(parse_rate("利率 4.35%/年", None), Some(r("0.0435")));
        assert_eq!(parse_rate("0.05%/日", None), Some(r("0.18")));
        assert_eq!(parse_rate("月利率1.5%", None), Some(r("0.18")));
    }

    #[test]
    fn lpr_formulas_read_the_table_given() {
        let clause = "一年期LPR加50个基点";
        let date = Some(d(2024, 6, 1));
        let shipped = parse_rate(clause, date).unwrap();
        let mut court = LprTable::shipped().clone();
        court.insert(crate::domain::lpr::LprQuote {
            date: d(2024, 5, 20),
            one_year: r("0.05"),
            five_year: r("0.06"),
        });
        assert_eq!(parse_rate_with(clause, date, &court), Some(r("0.055")));
        assert_ne!(shipped, r("0.055"));
        assert_eq!(
            parse_rate_with(clause, date, LprTable::shipped()),
            Some(shipped)
        );
    }

    #[test]
    fn yearly_monthly_daily() {
        for (s, v) in [
            ("年利率4.35%", "0.0435"),
            ("年利率为4.35%", "0.0435"),
            ("执行年利率 6% ", "0.06"),
            ("年化利率18.25%", "0.1825"),
            ("年化 7.2%", "0.072"),
            ("年利率百分之六", "0.06"),
            ("年利率百分之四点三五", "0.0435"),
            ("4.35%", "0.0435"),
            ("年利率４．３５％", "0.0435"),
            ("月利率5‰", "0.06"),
            ("月利率0.5%", "0.06"),
            ("月息2分", "0.24"),
            ("月息1分", "0.12"),
            ("按月息1分5计算", "0.18"),
            ("按每月2分的利率计算", "0.24"),
            ("月利率2分", "0.24"),
            ("年利率1分", "0.1"),
            ("月息8厘", "0.096"),
            ("年息8厘", "0.08"),
            ("按月利率千分之五计息", "0.06"),
            ("日利率万分之五", "0.18"),
            ("日利率0.05%", "0.18"),
            ("按日万分之五计收利息", "0.18"),
            ("万分之三", "0.108"),
            ("日利率万分之二点五", "0.09"),
        ] {
            assert_eq!(parse_rate(s, None), Some(r(v)), "{s}");
        }
        for s in ["", "利率", "年利率%", "借款10000元", "年利率0%"] {
            assert_eq!(parse_rate(s, None), None, "{s}");
        }
    }

    #[test]
    fn lpr_formulas_use_the_lpr_at_the_contract_date() {
        let date = Some(d(2023, 7, 1)); // LPR 1y 3.55 %
        for (s, v) in [
            ("贷款市场报价利率（LPR）加50个基点", "0.0405"),
            ("LPR+50bp", "0.0405"),
            ("LPR+0.5%", "0.0405"),
            ("一年期LPR加0.5个百分点", "0.0405"),
            ("LPR减10个基点", "0.0345"),
            ("在一年期LPR基础上上浮30%", "0.04615"),
            ("LPR×(1+30%)", "0.04615"),
            ("LPR*（1+20%）", "0.0426"),
            ("按一年期贷款市场报价利率执行", "0.0355"),
            ("年利率按LPR加五十个基点确定", "0.0405"),
        ] {
            assert_eq!(parse_rate(s, date), Some(r(v)), "{s}");
        }
        assert_eq!(parse_rate("LPR加50个基点", None), None);
        assert_eq!(
            parse_rate("LPR加50个基点（即年利率4.35%）", None),
            Some(r("0.0435"))
        );
        assert_eq!(parse_rate("LPR加50个基点", Some(d(2018, 1, 1))), None);
    }

    #[test]
    fn penalty_rates() {
        let base = Some(r("0.0435"));
        for (s, v) in [
            ("罚息利率为在借款利率基础上上浮50%", "0.06525"),
            ("逾期罚息按借款利率加收50%", "0.06525"),
            ("按借款利率的1.5倍计收罚息", "0.06525"),
            ("在合同利率基础上上浮百分之五十", "0.06525"),
            ("罚息年利率6.525%", "0.06525"),
            ("罚息按日利率万分之五", "0.18"),
        ] {
            assert_eq!(parse_penalty_rate(s, base, None), Some(r(v)), "{s}");
        }
        assert_eq!(
            parse_penalty_rate("在借款利率基础上上浮50%", None, None),
            None
        );
    }
}
