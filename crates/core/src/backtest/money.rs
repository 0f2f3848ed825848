//! Reading the money in one clause of a claim or an order: which amount is principal,
//! interest, attorney fee or another fee, and which is only a base, a ceiling, a deduction or
//! a total (those never add to a sum). Shared by the order parser and the claims reader so both
//! sides of a comparison are read the same way. Uses `extract::amount` and `extract::date`.

use crate::domain::Yuan;
use crate::extract::amount::find_amounts;
use crate::extract::date::find_dates;
use chrono::NaiveDate;

/// What an amount in a clause is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoneyKind {
    /// 本金 / 借款 / 欠款 / 垫款 / 代偿款 (and 本息 when only the total is written).
    Principal,
    /// 利息 / 罚息 / 复利 to a cut-off date.
    Interest,
    /// 律师费 / 律师代理费.
    AttorneyFee,
    /// 违约金, 手续费 and other fees.
    OtherFee,
    /// The base of an interest formula (`以100000元为基数`).
    Base,
    /// A ceiling (`在最高额3000万元范围内`).
    Limit,
    /// A deduction (`已支付的利息2000元应从中扣除`).
    Deduction,
    /// A total of amounts already listed (`共计`, `合计`).
    Total,
}

/// One amount in a clause, with byte offsets into the clause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MoneyHit {
    /// What it is.
    pub kind: MoneyKind,
    /// The amount.
    pub value: Yuan,
    /// First byte in the clause.
    pub start: usize,
    /// Last byte (exclusive).
    pub end: usize,
}

const KEYWORDS: &[(&str, MoneyKind)] = &[
    ("律师代理费", MoneyKind::AttorneyFee),
    ("律师费", MoneyKind::AttorneyFee),
    ("代理费", MoneyKind::AttorneyFee),
    ("律师", MoneyKind::AttorneyFee),
    ("利息损失", MoneyKind::Interest),
    ("逾期利息", MoneyKind::Interest),
    ("利息", MoneyKind::Interest),
    ("罚息", MoneyKind::Interest),
    ("复利", MoneyKind::Interest),
    ("本息", MoneyKind::Principal),
    ("手续费", MoneyKind::OtherFee),
    ("违约金", MoneyKind::OtherFee),
    ("滞纳金", MoneyKind::OtherFee),
    ("服务费", MoneyKind::OtherFee),
    ("管理费", MoneyKind::OtherFee),
    ("咨询费", MoneyKind::OtherFee),
    ("担保费", MoneyKind::OtherFee),
    ("保险费", MoneyKind::OtherFee),
    ("公告费", MoneyKind::OtherFee),
    ("保全费", MoneyKind::OtherFee),
    ("鉴定费", MoneyKind::OtherFee),
    ("评估费", MoneyKind::OtherFee),
    ("费用", MoneyKind::OtherFee),
    ("损失", MoneyKind::OtherFee),
    ("本金", MoneyKind::Principal),
    ("借款", MoneyKind::Principal),
    ("欠款", MoneyKind::Principal),
    ("贷款", MoneyKind::Principal),
    ("垫款", MoneyKind::Principal),
    ("垫付款", MoneyKind::Principal),
    ("代偿款", MoneyKind::Principal),
    ("透支款", MoneyKind::Principal),
    ("款项", MoneyKind::Principal),
    ("债务", MoneyKind::Principal),
];

/// The kind named by the right-most keyword of `label` (the longest on a tie), if any.
fn keyword_kind(label: &str) -> Option<MoneyKind> {
    KEYWORDS
        .iter()
        .filter_map(|(k, kind)| label.rfind(k).map(|p| (p + k.len(), k.len(), *kind)))
        .max_by_key(|&(end, len, _)| (end, len))
        .map(|(_, _, kind)| kind)
}

/// Byte offset of char index `idx` in `s` (the end when past it).
pub(crate) fn byte_at(s: &str, idx: usize) -> usize {
    s.char_indices().nth(idx).map_or(s.len(), |(b, _)| b)
}

/// The text of `s` from byte `from`, at most `n` chars.
fn head(s: &str, from: usize, n: usize) -> &str {
    let t = s.get(from..).unwrap_or("");
    &t[..byte_at(t, n)]
}

/// The last `n` chars of `s[..to]`.
pub(crate) fn tail(s: &str, to: usize, n: usize) -> &str {
    let t = s.get(..to).unwrap_or("");
    let count = t.chars().count();
    &t[byte_at(t, count.saturating_sub(n))..]
}

/// Classifies every amount of one clause (a claim item or an order item, not split further).
pub fn classify(clause: &str) -> Vec<MoneyHit> {
    let mut out: Vec<MoneyHit> = Vec::new();
    let mut prev_end = 0usize;
    for m in find_amounts(clause) {
        let start = byte_at(clause, m.start);
        let end = byte_at(clause, m.end);
        let label = clause.get(prev_end..start).unwrap_or("");
        let near = tail(clause, start, 8);
        let after = head(clause, end, 12);
        let listed = out.iter().any(|h| {
            matches!(
                h.kind,
                MoneyKind::Principal
                    | MoneyKind::Interest
                    | MoneyKind::AttorneyFee
                    | MoneyKind::OtherFee
            )
        });
        let base_after = [
            "为基数",
            "为计算基数",
            "为计息基数",
            "作为基数",
            "作为计息基数",
            "作为计算基数",
            "为标准",
            "作为标准",
            "为计算标准",
            "为准",
            "为本金",
            "本金为准",
        ]
        .iter()
        .any(|w| after.starts_with(w))
            || after.starts_with("的利息")
            || after.starts_with("的罚息")
            || after.starts_with("的复利")
            || ((after.starts_with('自') || after.starts_with('从'))
                && after.contains('年')
                && !after.starts_with("自愿"));
        let kind = if (base_after && (near.contains('以') || !after.starts_with('为')))
            || near.contains("计息本金")
            || near.contains("基数为")
            || rate_follows_principal(near, after)
            || paid_off_reference(near, after)
        {
            MoneyKind::Base
        } else if computed_sum(tail(clause, start, 24)) {
            // `利息暂计至2015年1月20日为24万元`, `月息按2%计算为98853元`: a sum reckoned over a
            // period is of the item being reckoned (the last one named), else interest.
            out.iter()
                .rev()
                .map(|h| h.kind)
                .find(|k| {
                    matches!(
                        k,
                        MoneyKind::Interest | MoneyKind::OtherFee | MoneyKind::AttorneyFee
                    )
                })
                .unwrap_or(MoneyKind::Interest)
        } else if ["最高", "限额", "不超过", "以内", "范围"]
            .iter()
            .any(|w| near.contains(w))
            || ["范围内", "限额内", "为限", "的范围", "限额", "优先受偿"]
                .iter()
                .any(|w| after.starts_with(w))
        {
            MoneyKind::Limit
        } else if [
            "扣除",
            "抵扣",
            "抵除",
            "已支付",
            "已付",
            "已偿还",
            "已还",
            "已归还",
            "偿还的",
            "还款",
        ]
        .iter()
        .any(|w| near.contains(w))
            || ["应从", "从中扣除", "应予扣除", "予以扣除", "应扣除"]
                .iter()
                .any(|w| after.contains(w))
        {
            MoneyKind::Deduction
        } else if !label.contains("其中")
            && (listed || keyword_kind(label).is_none() || refers_back(label))
            && ["共计", "合计", "总计", "共", "总额", "两项合计", "以上合计"]
                .iter()
                .any(|w| near.ends_with(w) || near.contains(&format!("{w}人民币")))
        {
            MoneyKind::Total
        } else {
            keyword_kind(label)
                .or_else(|| keyword_kind(tail(clause, start, 40)))
                .unwrap_or(MoneyKind::Principal)
        };
        // A breakdown in brackets right after an amount (`利息3,953,302.66元（包括期内利息…，
        // 罚息…，复利…）`): its parts of the same kind are inside that amount, not added to it.
        let kind = match breakdown_of(clause, start, &out) {
            Some(outer) if outer == kind => MoneyKind::Total,
            _ => kind,
        };
        // 「其中」 breaks down a total written before it: drop that total.
        if label.contains("其中")
            && let Some(last) = out.last_mut()
            && matches!(last.kind, MoneyKind::Principal | MoneyKind::Total)
            && keyword_kind(clause.get(..last.start).unwrap_or("")).is_some_and(|_| {
                clause
                    .get(..last.start)
                    .is_some_and(|t| tail(t, t.len(), 4).contains("本息"))
            })
        {
            last.kind = MoneyKind::Total;
        }
        out.push(MoneyHit {
            kind,
            value: m.value,
            start,
            end,
        });
        prev_end = end;
    }
    out
}

/// `以本金X元，按月利率…` / `按借款本金X元，月利率…`: the principal named right before a rate
/// is the base of that rate, not a second claim.
fn rate_follows_principal(near: &str, after: &str) -> bool {
    let named = [
        "以本金",
        "按本金",
        "以借款本金",
        "按借款本金",
        "以欠款本金",
        "以贷款本金",
    ]
    .iter()
    .any(|w| near.ends_with(w));
    let rest = after.trim_start_matches(['，', ',', '元']);
    let rest = rest.trim_start_matches(['，', ',']);
    named
        && ["按", "月利率", "年利率", "日利率", "月息", "年息", "日息"]
            .iter()
            .any(|w| rest.starts_with(w))
}

/// `计算至1300万元本金偿清之日止`: an amount named as the end of a period (until it is paid off)
/// refers to a principal already claimed.
fn paid_off_reference(near: &str, after: &str) -> bool {
    let after = after.trim_start_matches('元');
    let after = after.strip_prefix("本金").unwrap_or(after);
    near.ends_with('至')
        && ["偿清", "还清", "付清", "清偿", "全部清偿"]
            .iter()
            .any(|w| after.starts_with(w))
}

/// True when the text before an amount reckons a sum over a period or at a rate:
/// `暂计至2015年1月20日为`, `计算至起诉之日为`, `按月息2%计算为`, `计为`.
fn computed_sum(before: &str) -> bool {
    let b = before.trim_end_matches("人民币");
    let Some(head) = b.strip_suffix('为') else {
        return false;
    };
    head.ends_with("计算") || head.ends_with('计') || head.ends_with('暂') || {
        let from = ["计至", "计算至", "计到", "算至"]
            .iter()
            .filter_map(|w| head.rfind(w))
            .max();
        // The reckoning and its end date belong to this amount: no sentence break between.
        from.is_some_and(|f| !head[f..].contains(['，', ',', '；', '。']))
    }
}

/// The kind of the amount whose breakdown bracket (`（其中…` / `（包括…` / `（含…`) is still
/// open at byte `at` of `clause`: the bracket must follow that amount directly.
fn breakdown_of(clause: &str, at: usize, hits: &[MoneyHit]) -> Option<MoneyKind> {
    let before = clause.get(..at)?;
    let open = ["（其中", "(其中", "（包括", "(包括", "（含", "(含"]
        .iter()
        .filter_map(|w| before.rfind(w))
        .max()?;
    if before[open..].contains(['）', ')']) {
        return None;
    }
    let outer = hits.iter().rev().find(|h| h.end <= open)?;
    // A combined total (`本息共计…（其中本金…、利息…）`) is split into its kinds instead (below).
    let named = tail(clause, outer.start, 6);
    if ["本息", "共计", "合计", "总计"]
        .iter()
        .any(|w| named.contains(w))
    {
        return None;
    }
    let gap = clause.get(outer.end..open)?;
    (gap.trim_start_matches(['元', ' ']).chars().count() <= 1).then_some(outer.kind)
}

/// True when a label refers back to amounts already listed (`以上两项合计`, `上述款项共计`).
fn refers_back(label: &str) -> bool {
    ["以上", "上述", "前述", "两项", "三项", "各项"]
        .iter()
        .any(|w| label.contains(w))
}

/// The sum of the hits of `kind`, `None` when there are none.
pub fn sum_of(hits: &[MoneyHit], kind: MoneyKind) -> Option<Yuan> {
    let v: Vec<Yuan> = hits
        .iter()
        .filter(|h| h.kind == kind)
        .map(|h| h.value)
        .collect();
    (!v.is_empty()).then(|| v.into_iter().sum())
}

/// The cut-off date of stated interest (`暂计算至2016年10月1日`, `截至…`, `截止…`), if written.
pub fn cutoff_date(clause: &str) -> Option<NaiveDate> {
    find_dates(clause).into_iter().find_map(|d| {
        let start = byte_at(clause, d.start);
        let near = tail(clause, start, 6);
        ["截止", "截至", "计算至", "计至", "算至", "暂计", "止至"]
            .iter()
            .any(|w| near.contains(w))
            .then_some(d.date)
    })
}

/// Splits `text` into clauses at `；` / `;` / `。` outside brackets, dropping item numbers
/// (`一、`, `1、`, `（一）`) at a clause start. Clauses keep their order.
pub fn clauses(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut cur = String::new();
    for c in text.chars() {
        match c {
            '（' | '(' | '【' | '[' | '［' | '〔' => depth += 1,
            '）' | ')' | '】' | ']' | '］' | '〕' => depth = (depth - 1).max(0),
            _ => {}
        }
        if depth == 0 && matches!(c, '；' | ';' | '。') {
            push_clause(&mut out, &cur);
            cur.clear();
        } else {
            cur.push(c);
        }
    }
    push_clause(&mut out, &cur);
    // An item number in the middle of a clause (`…元。二、` is split above; `…元二、被告` is
    // not) starts a new clause too.
    let mut split = Vec::new();
    for c in out {
        split.extend(split_items(&c));
    }
    split
}

fn push_clause(out: &mut Vec<String>, s: &str) {
    let t = strip_item_number(s.trim());
    if !t.is_empty() {
        out.push(t.to_owned());
    }
}

/// Splits at item numbers `二、` that follow a `：` or a closing bracket (never `第一、二项`).
fn split_items(s: &str) -> Vec<String> {
    let chars: Vec<char> = s.chars().collect();
    let mut cuts = Vec::new();
    for i in 1..chars.len() {
        let prev = chars[i - 1];
        if !matches!(prev, '：' | ':' | '）' | ')') {
            continue;
        }
        let mut j = i;
        while j < chars.len() && j < i + 3 && is_cn_numeral(chars[j]) {
            j += 1;
        }
        if j > i && chars.get(j) == Some(&'、') {
            cuts.push(i);
        }
    }
    if cuts.is_empty() {
        return vec![s.to_owned()];
    }
    let mut out = Vec::new();
    let mut from = 0;
    for c in cuts.into_iter().chain([chars.len()]) {
        let part: String = chars[from..c].iter().collect();
        let t = strip_item_number(part.trim());
        if !t.is_empty() {
            out.push(t.to_owned());
        }
        from = c;
    }
    out
}

fn is_cn_numeral(c: char) -> bool {
    "一二三四五六七八九十".contains(c)
}

/// Drops a leading item number: `一、`, `十二、`, `1、`, `1.`, `（一）`, `(1)`, `第一项`.
pub fn strip_item_number(s: &str) -> &str {
    let t = s.trim_start_matches(['：', ':', ' ', '\u{3000}']);
    for (open, close) in [('（', '）'), ('(', ')')] {
        if let Some(rest) = t.strip_prefix(open)
            && let Some(p) = rest.find(close)
            && rest[..p]
                .chars()
                .all(|c| is_cn_numeral(c) || c.is_ascii_digit())
            && p > 0
        {
            return rest[p + close.len_utf8()..].trim_start_matches(['、', '.', '．']);
        }
    }
    let n = t
        .chars()
        .take_while(|c| is_cn_numeral(*c) || c.is_ascii_digit())
        .count();
    if n > 0 && n <= 3 {
        let rest = &t[byte_at(t, n)..];
        if let Some(r) = rest
            .strip_prefix('、')
            .or_else(|| rest.strip_prefix('．'))
            .or_else(|| {
                rest.strip_prefix('.')
                    .filter(|r| !r.starts_with(|c: char| c.is_ascii_digit()))
            })
        {
            return r;
        }
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    fn y(s: &str) -> Yuan {
        s.parse().unwrap()
    }

    #[test]
    fn classify_separates_sums_from_bases_limits_and_deductions() {
        let hits = classify(
            "被告甲于本判决生效之日起十日内偿还原告乙借款本金100000元、利息5000元及罚息（以100000元为基数，按年利率6%自2019年1月1日起计算至实际清偿之日止），已支付的2000元应从中扣除",
        );
        let kinds: Vec<MoneyKind> = hits.iter().map(|h| h.kind).collect();
        assert_eq!(
            kinds,
            vec![
                MoneyKind::Principal,
                MoneyKind::Interest,
                MoneyKind::Base,
                MoneyKind::Deduction
            ]
        );
        assert_eq!(sum_of(&hits, MoneyKind::Principal), Some(y("100000")));
        let hits = classify("被告丙在最高额300万元范围内承担连带清偿责任");
        assert_eq!(hits[0].kind, MoneyKind::Limit);
        let hits = classify(
            "偿还借款本金2400万元及利息3953302.66元（包括期内利息1566480元，罚息2240580元，复利146242.66元，暂计算至2017年3月15日）",
        );
        assert_eq!(sum_of(&hits, MoneyKind::Interest), Some(y("3953302.66")));
        assert_eq!(sum_of(&hits, MoneyKind::Principal), Some(y("24000000")));
        let hits = classify(
            "偿还贷款本息共计21348356.1元（其中本金共19682233元，计至2015年7月20日的利息1666123.10元）",
        );
        assert_eq!(sum_of(&hits, MoneyKind::Principal), Some(y("19682233")));
        assert_eq!(sum_of(&hits, MoneyKind::Interest), Some(y("1666123.10")));
        let hits = classify("偿还借款本金1100000元，利息819635.56元，共计1919635.56元");
        assert_eq!(hits[2].kind, MoneyKind::Total);
        assert_eq!(sum_of(&hits, MoneyKind::Interest), Some(y("819635.56")));
    }

    #[test]
    fn a_rate_base_and_a_reckoned_sum_are_not_principal() {
        let kinds = |c: &str| -> Vec<(MoneyKind, String)> {
            classify(c)
                .into_iter()
                .map(|h| (h.kind, h.value.to_string()))
                .collect()
        };
        // The principal named right before a rate is that rate's base.
        let k = kinds("被告以借款本金2465万元，按月利率3％支付2014年5月22日起的利息1479000元");
        assert_eq!(k[0].0, MoneyKind::Base, "{k:?}");
        assert_eq!(k[1].0, MoneyKind::Interest, "{k:?}");
        let k =
            kinds("支付利息（自2012年9月21日起按本金1000000元，月利率1％计算至实际付清之日止）");
        assert_eq!(k[0].0, MoneyKind::Base, "{k:?}");
        // `以X元为标准` / `作为基数` are bases too.
        let k = kinds("支付违约金，以1300万元为标准，按照日千分之二的标准计算");
        assert_eq!(k[0].0, MoneyKind::Base, "{k:?}");
        let k = kinds("以本金1425万元作为基数，按月息2％计算");
        assert_eq!(k[0].0, MoneyKind::Base, "{k:?}");
        // A sum reckoned to a date or at a rate is of the item reckoned, else interest.
        let k = kinds("从2016年3月4日至2018年1月17日，月息按2％计算为98853元");
        assert_eq!(k[0].0, MoneyKind::Interest, "{k:?}");
        let k =
            kinds("支付借款手续费1200000元（按照每月600000元的标准，暂计至2015年10月为1200000元）");
        assert!(
            k.iter().all(|(kind, _)| *kind != MoneyKind::Principal),
            "{k:?}"
        );
        let k = kinds("自2015年1月5日起计算至1300万元本金偿清之日止");
        assert_eq!(k[0].0, MoneyKind::Base, "{k:?}");
        let k = kinds("自2019年1月1日起至实际给付之日止截至起诉时暂为33，333元");
        assert_eq!(k[0].0, MoneyKind::Interest, "{k:?}");
        let k = kinds("原告有权拍卖网签房产，就所得价款中的300万元优先受偿");
        assert_eq!(k[0].0, MoneyKind::Limit, "{k:?}");
        // A principal stated with its date stays principal.
        let k = kinds("偿还借款本金300万元");
        assert_eq!(k[0].0, MoneyKind::Principal);
    }

    #[test]
    fn clauses_split_outside_brackets_and_drop_item_numbers() {
        let c = clauses("判决如下：一、甲偿还本金1元（截至A；之后B）；二、驳回原告其他诉讼请求。");
        assert_eq!(c.len(), 3);
        assert_eq!(c[1], "甲偿还本金1元（截至A；之后B）");
        assert_eq!(c[2], "驳回原告其他诉讼请求");
        assert_eq!(strip_item_number("（二）被告"), "被告");
        assert_eq!(strip_item_number("1.5万元"), "1.5万元");
    }
}
