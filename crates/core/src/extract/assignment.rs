//! 债权转让: the date the claim was assigned to the plaintiff (受让日), read the same way from a
//! complaint (the plaintiff calls itself 原告 / 我司) and from a judgment's facts (the court
//! names the plaintiff by name or by a short name: `转让给明策伟华公司`).
//!
//! The date is the last one written before the words that assign the claim to the plaintiff,
//! in the same sentence: `2015年5月8日，华融公司将本案债权转让给原告`, `原告于2019年5月10日受让…`,
//! `约定郑连伟以20000元的价格受让…`. A sentence that announces the assignment before those words
//! (`…刊登公告，告知债权已转让给原告`) is a notice, and its date is not the assignment's. Of several
//! assignments (a chain bank → AMC → plaintiff), the latest to the plaintiff counts.
//!
//! Used by complaint extraction (`raw`) and by the backtest's replay of judgments, so that the
//! NPL interest rule (`rules`, 法发〔2009〕19号 第九条) reads one and the same fact from both.

use super::date::find_dates;
use chrono::NaiveDate;
use std::ops::Range;

/// Words a complaint or a judgment uses for the plaintiff besides its name.
const SELF_WORDS: &[&str] = &["原告", "我司", "我公司", "本公司", "申请人"];

/// Words that announce an assignment rather than make it.
const NOTICE_WORDS: &[&str] = &["公告", "通知", "告知"];

/// Characters that do not tell one company from another (`有限公司`, `资产管理`, places).
const GENERIC: &str = "有限公司股份责任集团资产管理省市县区中国分支行银人民";

/// An assignment to the plaintiff found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    /// The assignment date.
    pub date: NaiveDate,
    /// Where the date is written (bytes of the text searched).
    pub bytes: Range<usize>,
}

/// True when `who` (the words after `转让给`, or a clause before `受让`) names the plaintiff: a
/// self word, or two characters in a row of the plaintiff's name that are not generic
/// (`明策` of 明策伟华有限公司 in `明策伟华公司`).
fn names_plaintiff(who: &str, plaintiff: Option<&str>) -> bool {
    if SELF_WORDS.iter().any(|w| who.contains(w)) {
        return true;
    }
    let Some(name) = plaintiff else {
        return false;
    };
    let chars: Vec<char> = name
        .chars()
        .filter(|c| !c.is_whitespace() && !GENERIC.contains(*c))
        .collect();
    chars.windows(2).any(|w| {
        let pair: String = w.iter().collect();
        // The pair must be contiguous in the name as written, not only after the filter.
        name.contains(&pair) && who.contains(&pair)
    })
}

/// The byte starts of the words in `s` that assign the claim to the plaintiff.
fn assigning_words(s: &str, plaintiff: Option<&str>) -> Vec<usize> {
    let mut at = Vec::new();
    for verb in ["转让给", "转让予", "转让于"] {
        for (i, _) in s.match_indices(verb) {
            let after = &s[i + verb.len()..];
            let end = after
                .find(['，', '。', '；', '、', ',', '(', '（', '《', '\n'])
                .unwrap_or(after.len());
            let who: String = after[..end].chars().take(24).collect();
            if names_plaintiff(&who, plaintiff) {
                at.push(i);
            }
        }
    }
    for (i, _) in s.match_indices("受让") {
        // The clause before it: from the last comma.
        let clause_start = s[..i]
            .char_indices()
            .rfind(|(_, c)| matches!(c, '，' | ',' | '：'))
            .map_or(0, |(b, c)| b + c.len_utf8());
        let clause = &s[clause_start..i];
        if !clause.contains("转让") && names_plaintiff(clause, plaintiff) {
            at.push(i);
        }
    }
    at.sort_unstable();
    at
}

/// The latest assignment of the claim to the plaintiff written in `text`, with the date's
/// place; `plaintiff` is its name when known (a judgment names it; a complaint says 原告).
pub fn assignment_to_plaintiff(text: &str, plaintiff: Option<&str>) -> Option<Assignment> {
    let mut best: Option<Assignment> = None;
    let mut start = 0;
    for s in text.split_inclusive(['。', '；', ';']) {
        let base = start;
        start += s.len();
        if !s.contains("转让") && !s.contains("受让") {
            continue;
        }
        // Dates with byte spans (`find_dates` counts chars).
        let byte = |c: usize| s.char_indices().nth(c).map_or(s.len(), |(b, _)| b);
        let dates: Vec<(NaiveDate, Range<usize>)> = find_dates(s)
            .into_iter()
            .map(|d| (d.date, byte(d.start)..byte(d.end)))
            .collect();
        for verb_at in assigning_words(s, plaintiff) {
            if NOTICE_WORDS.iter().any(|w| s[..verb_at].contains(w)) {
                continue;
            }
            let Some((date, bytes)) = dates.iter().rfind(|(_, b)| b.start < verb_at) else {
                continue;
            };
            if best.as_ref().is_none_or(|b| *date > b.date) {
                best = Some(Assignment {
                    date: *date,
                    bytes: base + bytes.start..base + bytes.end,
                });
            }
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date_of(text: &str, plaintiff: Option<&str>) -> Option<String> {
        assignment_to_plaintiff(text, plaintiff).map(|a| {
            assert!(text[a.bytes.clone()].contains('年'));
            a.date.to_string()
        })
    }

    #[test]
    fn reads_the_assignment_to_the_plaintiff_not_earlier_links_or_notices() {
        // A chain: bank → AMC → plaintiff, named by a short name; the notice is not the date.
        let t = "2015年3月28日，甲银行将本案标的债权转让给乙资产管理公司。\
                 2015年5月8日，乙资产管理公司将本案标的债权转让给明策伟华公司，并于2015年6月19日发布债权转让公告。\
                 2016年1月9日，乙资产管理公司在报纸上发出公告，告知债权已转让给明策伟华公司。";
        assert_eq!(
            date_of(t, Some("明策伟华有限公司")).as_deref(),
            Some("2015-05-08")
        );
        // Without the plaintiff's name, only what says 原告 counts.
        assert_eq!(date_of(t, None), None);
        // A complaint: the plaintiff takes the claim.
        let c = "原告于2019年5月10日自甲银行受让上述债权及从权利，并已通知被告。";
        assert_eq!(date_of(c, None).as_deref(), Some("2019-05-10"));
        let p = "2012年7月30日，丙办事处与郑连伟签订《债权转让协议》，约定郑连伟以20000元的价格受让该债权。";
        assert_eq!(date_of(p, Some("郑连伟")).as_deref(), Some("2012-07-30"));
        // An AMC's own acquisition, after a comma (multi-byte punctuation before 受让).
        let amc = "2015年9月25日，甲资产与乙银行签署了《债权转让协议》，约定由乙银行将该笔贷款的债权转让给甲资产，现甲资产已受让了该笔贷款债权。";
        assert_eq!(date_of(amc, Some("丙投资有限公司")), None);
        // A guarantee's clause about assignment is not one.
        let g = "合同约定，贷款人有权将其在本合同项下的权利转让给第三方。";
        assert_eq!(date_of(g, Some("明策伟华有限公司")), None);
    }
}
