//! The judgment splitter: a civil judgment's text → its sections (header and parties, claims,
//! defence, facts, reasoning, orders, fees, appeal notice, signature), found by the phrases
//! courts open each section with (民事诉讼文书样式 2016 and common practice \[M\]).
//!
//! Works on whole judgments and on excerpts (a judgment cut anywhere, as in public datasets):
//! a section whose opening phrase is absent is simply missing. First and second instance are
//! both read (上诉人 … 上诉请求 / 被上诉人 … 辩称 / 二审查明). Nothing here panics on any text.

use serde::Serialize;

/// A section of a civil judgment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Section {
    /// Court, title, case number, parties and procedural history (before the claims).
    Header,
    /// 原告诉称 / 诉讼请求 (first instance) or 上诉请求 / 上诉称 (appeal).
    Claims,
    /// 被告辩称, or the note that a defendant did not answer or appear.
    Defence,
    /// 经审理查明 / 本院认定事实如下 / 二审查明.
    Facts,
    /// 本院认为 up to the legal basis.
    Reasoning,
    /// 判决如下 (or 裁定如下, or a mediation agreement): the operative items.
    Orders,
    /// 案件受理费 … 由 … 负担.
    Fees,
    /// 如不服本判决 … 上诉于 …, or 本判决为终审判决.
    AppealNotice,
    /// 审判长 / 审判员 / 书记员 and the date.
    Signature,
}

impl Section {
    /// Every section, in document order.
    pub const ALL: [Section; 9] = [
        Section::Header,
        Section::Claims,
        Section::Defence,
        Section::Facts,
        Section::Reasoning,
        Section::Orders,
        Section::Fees,
        Section::AppealNotice,
        Section::Signature,
    ];

    /// True for the sections a replay may read: what the court had before deciding.
    pub fn before_decision(self) -> bool {
        matches!(
            self,
            Section::Header | Section::Claims | Section::Defence | Section::Facts
        )
    }
}

/// Which instance the judgment is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Instance {
    /// 一审.
    First,
    /// 二审 (上诉).
    Second,
}

/// One section's byte range in [`Judgment::text`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SectionSpan {
    /// Which section.
    pub kind: Section,
    /// First byte (inclusive).
    pub start: usize,
    /// Last byte (exclusive).
    pub end: usize,
}

/// A judgment split into sections.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Judgment {
    /// The whole text.
    pub text: String,
    /// The sections found, in document order, non-overlapping.
    pub sections: Vec<SectionSpan>,
    /// First or second instance.
    pub instance: Instance,
    /// True when a defendant did not appear or answer (缺席, 未到庭, 未答辩).
    pub absent_defendant: bool,
    /// True when the text mentions mediation (调解).
    pub mediation: bool,
}

impl Judgment {
    /// The text of a section, if found.
    pub fn section(&self, kind: Section) -> Option<&str> {
        self.sections
            .iter()
            .find(|s| s.kind == kind)
            .and_then(|s| self.text.get(s.start..s.end))
    }

    /// The sections a replay may read (header, claims, defence, facts), joined in order.
    pub fn before_decision(&self) -> String {
        self.sections
            .iter()
            .filter(|s| s.kind.before_decision())
            .filter_map(|s| self.text.get(s.start..s.end))
            .collect()
    }

    /// The same sections one per line, or the whole text when none was found (a complaint, a
    /// fragment): what similar-case retrieval compares.
    pub fn before_decision_lines(&self) -> String {
        if self.sections.is_empty() {
            return self.text.clone();
        }
        self.sections
            .iter()
            .filter(|s| s.kind.before_decision())
            .filter_map(|s| self.text.get(s.start..s.end))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

const CLAIMS: &[&str] = &[
    "向本院提出诉讼请求",
    "提出诉讼请求",
    "诉讼请求：",
    "诉讼请求:",
    "诉称",
    "起诉称",
    "请求判令",
    "请依法判令",
    "请求判决",
    "请求依法判决",
    "上诉请求",
    "上诉称",
    "起诉要求",
];
const DEFENCE: &[&str] = &[
    "辩称",
    "答辩称",
    "答辩意见",
    "未作答辩",
    "未答辩",
    "未予答辩",
    "未提交答辩",
    "未到庭",
    "未出庭",
    "缺席",
];
const FACTS: &[&str] = &[
    "经审理查明",
    "本院经审理查明",
    "审理查明",
    "本院查明",
    "二审查明",
    "本院认定事实如下",
    "本院认定如下",
    "本院确认以下事实",
    "本院认定以下事实",
    "经审理认定",
    "本院认定",
    "经审查查明",
    "原审法院查明",
    "一审法院查明",
    "一审法院认定事实",
    "原审查明",
];
const ORDERS: &[&str] = &[
    "判决如下",
    "裁定如下",
    "达成如下协议",
    "达成以下协议",
    "自愿达成如下",
];
static_regex! {
    /// A fee sentence: 受理费 / 诉讼费 followed by an amount, a halving or a reference.
    fn fees_re = r"(?:受理费|诉讼费用|诉讼费)(?:人民币|共计|合计|为|：|:|（[^）]{0,8}）)?[ \t]*(?:[0-9０-９]|减半|按|依法减半|由)";
}

const APPEAL: &[&str] = &[
    "如不服本判决",
    "如不服本裁定",
    "如不服本",
    "本判决为终审判决",
    "本裁定为终审裁定",
];
const SIGNATURE: &[&str] = &["审判长", "代理审判员", "审判员", "人民陪审员", "书记员"];

/// First occurrence of any needle in `text[from..to]`, as an absolute byte offset.
fn first_of(text: &str, needles: &[&str], from: usize, to: usize) -> Option<usize> {
    let hay = text.get(from..to)?;
    needles
        .iter()
        .filter_map(|n| hay.find(n))
        .min()
        .map(|p| p + from)
}

/// Last occurrence of any needle in `text[from..to]`.
fn last_of(text: &str, needles: &[&str], from: usize, to: usize) -> Option<usize> {
    let hay = text.get(from..to)?;
    needles
        .iter()
        .filter_map(|n| hay.rfind(n))
        .max()
        .map(|p| p + from)
}

/// The start of the sentence holding byte `pos` (after the last `。`, `；` or line break
/// before it, not before `floor`).
fn sentence_start(text: &str, pos: usize, floor: usize) -> usize {
    let head = text.get(floor..pos).unwrap_or("");
    head.rfind(['。', '；', '\n', '！', '？'])
        .map(|p| {
            let ch = head[p..].chars().next().map_or(1, char::len_utf8);
            floor + p + ch
        })
        .unwrap_or(floor)
}

/// Where the facts start, for a facts phrase at byte `marker`: its sentence's start, unless that
/// sentence still holds the plaintiff's requests (a text whose sentences ran together:
/// `…起诉要求：1.判令…本金…元，利息…元，合计经审理，本院认定…`); then the clause of the phrase,
/// so the requests stay with the claims.
fn facts_start(text: &str, marker: usize) -> usize {
    let start = sentence_start(text, marker, 0);
    let head = text.get(start..marker).unwrap_or("");
    if !["请求", "要求", "判令", "诉请"]
        .iter()
        .any(|w| head.contains(w))
    {
        return start;
    }
    head.rfind(['，', ',']).map_or(start, |p| {
        start + p + head[p..].chars().next().map_or(1, char::len_utf8)
    })
}

/// Splits a judgment into sections. Never fails: a text with no known phrase is one header.
pub fn split(text: &str) -> Judgment {
    let len = text.len();
    let orders = last_of(text, ORDERS, 0, len);
    let decided = orders.unwrap_or(len);
    // The facts and reasoning come before the orders; quoted first-instance reasoning
    // (一审法院认为) is not this court's.
    let facts_marker = first_of(text, FACTS, 0, decided);
    let reasoning = first_of(text, &["本院认为"], facts_marker.unwrap_or(0), decided)
        .map(|p| sentence_start(text, p, facts_marker.unwrap_or(0)));
    let facts = facts_marker.map(|p| facts_start(text, p));
    let before_facts = [facts, reasoning, orders]
        .into_iter()
        .flatten()
        .min()
        .unwrap_or(len);
    let claims = claims_start(text, before_facts);
    let defence = first_of(text, DEFENCE, claims.unwrap_or(0), before_facts)
        .map(|p| sentence_start(text, p, claims.unwrap_or(0)))
        .filter(|d| Some(*d) != claims);
    let (fees, appeal, signature) = match orders {
        Some(o) => {
            let fees = text
                .get(o..)
                .and_then(|t| fees_re().find(t))
                .map(|m| fee_start(text, o + m.start(), o));
            let appeal = first_of(text, APPEAL, fees.unwrap_or(o), len)
                .map(|p| sentence_start(text, p, fees.unwrap_or(o)));
            let sig_from = appeal.or(fees).unwrap_or(o);
            let signature = first_of(text, SIGNATURE, sig_from, len);
            (fees, appeal, signature)
        }
        None => (None, None, None),
    };
    let mut starts: Vec<(Section, usize)> = [
        (Section::Claims, claims),
        (Section::Defence, defence),
        (Section::Facts, facts),
        (Section::Reasoning, reasoning),
        (
            Section::Orders,
            orders.map(|o| sentence_orders_start(text, o)),
        ),
        (Section::Fees, fees),
        (Section::AppealNotice, appeal),
        (Section::Signature, signature),
    ]
    .into_iter()
    .filter_map(|(k, p)| p.map(|p| (k, p)))
    .collect();
    starts.sort_by_key(|&(k, p)| (p, k));
    starts.dedup_by_key(|s| s.1);
    let first = starts.first().map_or(len, |s| s.1);
    if first > 0 {
        starts.insert(0, (Section::Header, 0));
    }
    let mut sections = Vec::new();
    for (i, &(kind, start)) in starts.iter().enumerate() {
        let end = starts.get(i + 1).map_or(len, |s| s.1);
        if end > start && !sections.iter().any(|s: &SectionSpan| s.kind == kind) {
            sections.push(SectionSpan { kind, start, end });
        }
    }
    let second = [
        "上诉人",
        "二审",
        "驳回上诉",
        "维持原判",
        "原审判决",
        "一审判决",
    ]
    .iter()
    .any(|w| text.contains(w));
    Judgment {
        text: text.to_owned(),
        sections,
        instance: if second {
            Instance::Second
        } else {
            Instance::First
        },
        absent_defendant: ["缺席", "未到庭", "未出庭", "未答辩", "未作答辩", "未予答辩"]
            .iter()
            .any(|w| text.contains(w)),
        mediation: text.contains("调解"),
    }
}

/// The first claims phrase before `to` whose sentence is the parties' (not the court
/// weighing a claim: `…的诉讼请求，本院予以支持`), as a sentence start.
fn claims_start(text: &str, to: usize) -> Option<usize> {
    let mut from = 0;
    while let Some(p) = first_of(text, CLAIMS, from, to) {
        let start = sentence_start(text, p, 0);
        let end = text
            .get(p..)
            .and_then(|t| t.find('。'))
            .map_or(text.len(), |e| p + e);
        let sentence = text.get(start..end).unwrap_or("");
        let court = [
            "予以支持",
            "不予支持",
            "本院认为",
            "应予支持",
            "本院予以",
            "理由成立",
            "于法有据",
        ]
        .iter()
        .any(|w| sentence.contains(w));
        if !court {
            return Some(start);
        }
        from = end.max(p + 1);
        while from < text.len() && !text.is_char_boundary(from) {
            from += 1;
        }
    }
    None
}

/// Orders begin at the `判决如下` phrase itself (the legal basis before it is reasoning).
fn sentence_orders_start(_text: &str, marker: usize) -> usize {
    marker
}

/// A fee sentence may begin with an item number (`二、案件受理费…`) or `本案`: start there.
fn fee_start(text: &str, marker: usize, floor: usize) -> usize {
    let s = sentence_start(text, marker, floor);
    // Only move back over a short prefix (item number, 本案, 一审/二审), never over an item.
    if text.get(s..marker).is_some_and(|p| p.chars().count() <= 6) {
        s
    } else {
        marker
    }
}
