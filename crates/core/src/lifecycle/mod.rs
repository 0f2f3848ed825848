//! `lifecycle`: what happens to a filing after its draft (issue 25), as an explicit state
//! machine: accepted → drafted → approved (signed) → served → the window runs (支付令: 15 days to
//! object; 判决: 15 days to appeal, 30 for a party without domicile in China) → objection,
//! appeal or none → effective (生效, with its date) → enforcement (申请执行 within 2 years); and
//! the side roads: a valid objection ends the 督促程序 (then litigation unless the applicant
//! declines), an unservable payment order ends it too, mediation (调解书) and withdrawal (撤诉).
//!
//! **Owns:** which event may follow which stage, the refusals (in Chinese, with a stable code),
//! and the dates the law derives (window end, effective date, performance and enforcement
//! deadlines), each citing its rule with the \[P\]/\[S\]/\[M\] tag of the domain file.
//! **Must not:** do IO or read the clock: the caller passes `today` and a [`Calendar`].
//! The machine's state is the fold of its events ([`Lifecycle::replay`]); the store keeps both.
//!
//! The law (民事诉讼法 2023 numbering \[P\] unless tagged):
//! - 第八十五条: periods do not count their first day and end after rest days ([`calendar`]).
//! - 第九十条 (electronic service), 第八十九条 (留置送达), 第九十五条: 公告送达 is deemed complete
//!   30 days after publication.
//! - 第二百二十七条: the debtor has 15 days from receiving a 支付令 to pay or object in writing.
//! - 第二百二十八条: a valid objection ends the 督促程序 and the order lapses; the case goes on
//!   as litigation unless the applicant declines (民诉法解释第四百三十八至四百三十九条: 7 days).
//! - 民诉法解释第四百三十条: the 督促程序 ends when the order cannot be served within 30 days of
//!   issue, or when the applicant withdraws before service. 公告送达 cannot serve a 支付令
//!   (§5.1, "能够送达" \[P/M\]).
//! - 第一百七十一条: 15 days to appeal a judgment; 第二百八十六条: 30 days for a party without
//!   domicile in China. 第一百六十五条: a small-claims judgment is final.
//! - 第一百条: a 调解书 takes effect when both parties have signed for it.
//! - 第一百四十八条: withdrawal before judgment is pronounced, by ruling.
//! - 第二百五十条: enforcement must be applied for within 2 years of the last day of the
//!   performance period.

pub mod calendar;

pub use calendar::{Calendar, CalendarError};

use crate::domain::{Yuan, date_zh};
use crate::rules::{DocumentKind, Procedure};
use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

/// The version of these transition rules, recorded with every event.
pub const LIFECYCLE_VERSION: &str = "fincase-lifecycle/1";

/// Where a filing stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// 已立案: accepted, not yet drafted.
    Accepted,
    /// 草稿待审核: a draft awaits the judge.
    Drafted,
    /// 已签发，待送达.
    Approved,
    /// 已送达: service recorded; the window (if any) runs.
    Served,
    /// 已提出异议，待审查 (支付令).
    Objected,
    /// 督促程序已终结 (objection upheld, unservable, or withdrawn before service).
    Terminated,
    /// 已上诉: the file goes to the court of appeal.
    Appealed,
    /// 已生效.
    Effective,
    /// 已申请执行.
    EnforcementApplied,
    /// 已达成调解，待送达调解书.
    Mediated,
    /// 已准予撤诉.
    Withdrawn,
    /// 已驳回.
    Rejected,
    /// 已退回银行补正.
    ReturnedToBank,
    /// 已结案: the applicant declined litigation after the 督促程序 ended.
    Closed,
}

impl Stage {
    /// Every stage, in the order a filing meets them.
    pub const ALL: [Stage; 14] = [
        Stage::Accepted,
        Stage::Drafted,
        Stage::Approved,
        Stage::Served,
        Stage::Objected,
        Stage::Terminated,
        Stage::Appealed,
        Stage::Effective,
        Stage::EnforcementApplied,
        Stage::Mediated,
        Stage::Withdrawn,
        Stage::Rejected,
        Stage::ReturnedToBank,
        Stage::Closed,
    ];

    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Accepted => "accepted",
            Stage::Drafted => "drafted",
            Stage::Approved => "approved",
            Stage::Served => "served",
            Stage::Objected => "objected",
            Stage::Terminated => "terminated",
            Stage::Appealed => "appealed",
            Stage::Effective => "effective",
            Stage::EnforcementApplied => "enforcement_applied",
            Stage::Mediated => "mediated",
            Stage::Withdrawn => "withdrawn",
            Stage::Rejected => "rejected",
            Stage::ReturnedToBank => "returned_to_bank",
            Stage::Closed => "closed",
        }
    }

    /// The stage for a judge or a bank clerk.
    pub fn zh(self) -> &'static str {
        match self {
            Stage::Accepted => "已立案",
            Stage::Drafted => "文书草稿待审核",
            Stage::Approved => "已签发，待送达",
            Stage::Served => "已送达",
            Stage::Objected => "已提出异议，待审查",
            Stage::Terminated => "督促程序已终结",
            Stage::Appealed => "已上诉",
            Stage::Effective => "已生效",
            Stage::EnforcementApplied => "已申请执行",
            Stage::Mediated => "已达成调解，待送达调解书",
            Stage::Withdrawn => "已准予撤诉",
            Stage::Rejected => "已驳回",
            Stage::ReturnedToBank => "已退回补正",
            Stage::Closed => "已结案",
        }
    }
}

impl std::str::FromStr for Stage {
    type Err = String;
    fn from_str(s: &str) -> Result<Stage, String> {
        Stage::ALL
            .into_iter()
            .find(|st| st.as_str() == s)
            .ok_or_else(|| format!("unknown lifecycle stage {s:?}"))
    }
}

/// Which document the case runs on, once signed; it decides the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Track {
    /// 判决书, appealable.
    Judgment,
    /// 小额诉讼判决书: final (民事诉讼法第一百六十五条 \[P\]).
    SmallClaimsJudgment,
    /// 支付令.
    PaymentOrder,
    /// 调解书.
    Mediation,
}

impl Track {
    /// The document's name.
    pub fn document_zh(self) -> &'static str {
        match self {
            Track::Judgment | Track::SmallClaimsJudgment => "民事判决书",
            Track::PaymentOrder => "支付令",
            Track::Mediation => "民事调解书",
        }
    }
}

/// How a document was served.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ServiceMethod {
    /// 电子送达 (民事诉讼法第九十条): served when it reaches the recipient's system.
    Electronic,
    /// 邮寄送达: served on the day of signing.
    Postal,
    /// 直接送达.
    InPerson,
    /// 留置送达 (第八十九条).
    Left,
    /// 公告送达: deemed served 30 days after publication (第九十五条).
    Publication,
}

impl ServiceMethod {
    /// The method's name.
    pub fn zh(self) -> &'static str {
        match self {
            ServiceMethod::Electronic => "电子送达",
            ServiceMethod::Postal => "邮寄送达",
            ServiceMethod::InPerson => "直接送达",
            ServiceMethod::Left => "留置送达",
            ServiceMethod::Publication => "公告送达",
        }
    }
}

/// One instalment of a mediation agreement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Instalment {
    /// Paid on or before this day.
    pub due: NaiveDate,
    /// The amount.
    pub amount: Yuan,
}

/// What the parties agreed in mediation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MediationTerms {
    /// The instalments, in date order.
    pub instalments: Vec<Instalment>,
    /// 加速到期: one missed instalment makes the whole rest due at once.
    #[serde(default)]
    pub acceleration: bool,
    /// The plaintiff waives the interest claimed beyond the agreed sum.
    #[serde(default)]
    pub interest_waived: bool,
}

impl MediationTerms {
    /// The agreed sum.
    pub fn total(&self) -> Yuan {
        self.instalments.iter().map(|i| i.amount).sum()
    }
}

/// Something that happened to a filing, on the day it happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    /// The pipeline drafted the filing's document (or a notice: `DocumentKind::None`).
    Drafted {
        /// Day.
        on: NaiveDate,
        /// The document the outcome calls for.
        document: DocumentKind,
        /// Its procedure.
        procedure: Procedure,
        /// Everyone to be served: the plaintiff and every defendant, by name.
        parties: Vec<String>,
    },
    /// The judge signed the draft.
    Approved {
        /// Day.
        on: NaiveDate,
    },
    /// The judge rejected the claim.
    Rejected {
        /// Day.
        on: NaiveDate,
    },
    /// Returned to the bank to correct.
    ReturnedToBank {
        /// Day.
        on: NaiveDate,
    },
    /// The signed document (or the 调解书) was served.
    Served {
        /// The day it was served (for 公告送达, the day of publication).
        on: NaiveDate,
        /// How.
        method: ServiceMethod,
        /// On whom; `None`: on every party.
        #[serde(default)]
        party: Option<String>,
        /// The party has no domicile in China (30 days to appeal).
        #[serde(default)]
        abroad: bool,
    },
    /// The payment order could not be served.
    Unservable {
        /// Day.
        on: NaiveDate,
    },
    /// The debtor objected to the payment order in writing.
    ObjectionFiled {
        /// Day the court received it.
        on: NaiveDate,
    },
    /// The objection holds: ruling that ends the 督促程序.
    ObjectionUpheld {
        /// Day of the ruling.
        on: NaiveDate,
    },
    /// The objection does not hold (only pleads inability to pay, or asks for time:
    /// 民诉法解释第四百三十六条 \[P\]); the order stands.
    ObjectionDismissed {
        /// Day of the ruling.
        on: NaiveDate,
    },
    /// The applicant said it does not want litigation (within 7 days of the ruling).
    LitigationDeclined {
        /// Day.
        on: NaiveDate,
    },
    /// The case continues as litigation: a litigation draft follows.
    ConvertedToLitigation {
        /// Day.
        on: NaiveDate,
    },
    /// A party appealed the judgment.
    Appealed {
        /// Day the appeal was lodged.
        on: NaiveDate,
    },
    /// The document's effect is recorded (生效证明).
    Effective {
        /// Day of recording (on or after the effective date).
        on: NaiveDate,
    },
    /// The plaintiff applied for enforcement.
    EnforcementApplied {
        /// Day.
        on: NaiveDate,
    },
    /// The parties agreed in mediation; a 调解书 follows.
    Mediated {
        /// Day of the agreement.
        on: NaiveDate,
        /// What they agreed.
        terms: MediationTerms,
    },
    /// The plaintiff withdrew (准予撤诉), or the applicant withdrew a payment order before service.
    Withdrawn {
        /// Day.
        on: NaiveDate,
        /// The reason the plaintiff gave.
        reason: String,
    },
}

impl Event {
    /// The day it happened.
    pub fn on(&self) -> NaiveDate {
        match self {
            Event::Drafted { on, .. }
            | Event::Approved { on }
            | Event::Rejected { on }
            | Event::ReturnedToBank { on }
            | Event::Served { on, .. }
            | Event::Unservable { on }
            | Event::ObjectionFiled { on }
            | Event::ObjectionUpheld { on }
            | Event::ObjectionDismissed { on }
            | Event::LitigationDeclined { on }
            | Event::ConvertedToLitigation { on }
            | Event::Appealed { on }
            | Event::Effective { on }
            | Event::EnforcementApplied { on }
            | Event::Mediated { on, .. }
            | Event::Withdrawn { on, .. } => *on,
        }
    }

    /// The event's stored name (`served`, `objection_upheld`, …).
    pub fn name(&self) -> &'static str {
        match self {
            Event::Drafted { .. } => "drafted",
            Event::Approved { .. } => "approved",
            Event::Rejected { .. } => "rejected",
            Event::ReturnedToBank { .. } => "returned_to_bank",
            Event::Served { .. } => "served",
            Event::Unservable { .. } => "unservable",
            Event::ObjectionFiled { .. } => "objection_filed",
            Event::ObjectionUpheld { .. } => "objection_upheld",
            Event::ObjectionDismissed { .. } => "objection_dismissed",
            Event::LitigationDeclined { .. } => "litigation_declined",
            Event::ConvertedToLitigation { .. } => "converted_to_litigation",
            Event::Appealed { .. } => "appealed",
            Event::Effective { .. } => "effective",
            Event::EnforcementApplied { .. } => "enforcement_applied",
            Event::Mediated { .. } => "mediated",
            Event::Withdrawn { .. } => "withdrawn",
        }
    }

    /// What happened, in a sentence for the history.
    pub fn zh(&self) -> String {
        match self {
            Event::Drafted { document, .. } => match document {
                DocumentKind::Judgment => "生成判决书草稿".to_owned(),
                DocumentKind::PaymentOrder => "生成支付令草稿".to_owned(),
                DocumentKind::None => "生成审查提示".to_owned(),
            },
            Event::Approved { .. } => "法官审核签发".to_owned(),
            Event::Rejected { .. } => "驳回".to_owned(),
            Event::ReturnedToBank { .. } => "退回银行补正".to_owned(),
            Event::Served {
                method,
                party,
                abroad,
                ..
            } => format!(
                "{}{}{}",
                method.zh(),
                party
                    .as_deref()
                    .map_or_else(|| "全体当事人".to_owned(), |p| format!("送达{p}")),
                if *abroad {
                    "（在中华人民共和国领域内没有住所）"
                } else {
                    ""
                }
            ),
            Event::Unservable { .. } => "支付令无法送达".to_owned(),
            Event::ObjectionFiled { .. } => "被申请人提出书面异议".to_owned(),
            Event::ObjectionUpheld { .. } => "异议成立，裁定终结督促程序".to_owned(),
            Event::ObjectionDismissed { .. } => "异议不成立，裁定驳回异议".to_owned(),
            Event::LitigationDeclined { .. } => "申请人不同意提起诉讼".to_owned(),
            Event::ConvertedToLitigation { .. } => "转入诉讼程序".to_owned(),
            Event::Appealed { .. } => "当事人提起上诉".to_owned(),
            Event::Effective { .. } => "确认发生法律效力".to_owned(),
            Event::EnforcementApplied { .. } => "申请执行".to_owned(),
            Event::Mediated { terms, .. } => {
                format!("达成调解协议（共{}元）", terms.total().grouped())
            }
            Event::Withdrawn { reason, .. } => format!("准予撤回（{reason}）"),
        }
    }
}

/// Why an event was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RefusalCode {
    /// The event cannot follow the current stage.
    WrongStage,
    /// The event does not apply to this kind of document.
    WrongDocument,
    /// Dated after today.
    FutureDate,
    /// Dated before the last recorded event.
    OutOfOrder,
    /// The window has closed (a late objection or appeal).
    WindowClosed,
    /// Too early: the window is still open, not every party has been served, or a period the
    /// event waits for has not run.
    TooEarly,
    /// Missing or invalid details (an unknown party, empty terms, no reason).
    Invalid,
}

/// An event the machine refuses, with the reason in Chinese.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{message}")]
pub struct Refusal {
    /// Stable code.
    pub code: RefusalCode,
    /// The reason, for the judge.
    pub message: String,
}

fn refuse(code: RefusalCode, message: impl Into<String>) -> Refusal {
    Refusal {
        code,
        message: message.into(),
    }
}

/// Refuses an act dated after the last day `end` of the period `what` (`None`: not running yet).
fn not_after(on: NaiveDate, end: Option<NaiveDate>, what: &str, rule: &str) -> Result<(), Refusal> {
    match end {
        Some(end) if on > end => Err(refuse(
            RefusalCode::WindowClosed,
            format!("{what}已于{}届满{rule}", date_zh(end)),
        )),
        _ => Ok(()),
    }
}

/// One service on record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Service {
    /// The day of the act (publication for 公告送达).
    pub on: NaiveDate,
    /// The day service counts from (30 days after publication for 公告送达).
    pub deemed: NaiveDate,
    /// How.
    pub method: ServiceMethod,
    /// On whom; `None`: every party.
    pub party: Option<String>,
    /// Without domicile in China.
    pub abroad: bool,
}

/// A deadline the law derives, with its rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deadline {
    /// The last day.
    pub due: NaiveDate,
    /// What must happen by then.
    pub what: String,
    /// The rule, with its confidence tag.
    pub rule: String,
}

/// A filing's lifecycle: its stage and what the law derives from the events so far.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lifecycle {
    /// Where the filing stands.
    pub stage: Stage,
    /// The document the case runs on, once signed.
    pub track: Option<Track>,
    /// What the draft is (from the last `Drafted`).
    pub document: Option<DocumentKind>,
    /// Its procedure.
    pub procedure: Option<Procedure>,
    /// Everyone to be served.
    pub parties: Vec<String>,
    /// The day the document was signed (a payment order's day of issue).
    pub approved_on: Option<NaiveDate>,
    /// Services on record.
    pub services: Vec<Service>,
    /// The day an objection was received.
    pub objection_on: Option<NaiveDate>,
    /// The day the 督促程序 ended, and why (`objection`, `unservable`, `withdrawn`).
    pub terminated: Option<(NaiveDate, String)>,
    /// The agreed terms, after mediation.
    pub mediation: Option<MediationTerms>,
    /// The day the document took effect.
    pub effective_on: Option<NaiveDate>,
    /// The last day to perform.
    pub perform_by: Option<NaiveDate>,
    /// The last day to apply for enforcement.
    pub enforce_by: Option<NaiveDate>,
    /// The day of the last event.
    pub last_on: Option<NaiveDate>,
}

impl Default for Lifecycle {
    fn default() -> Lifecycle {
        Lifecycle::new()
    }
}

impl Lifecycle {
    /// A filing just accepted.
    pub fn new() -> Lifecycle {
        Lifecycle {
            stage: Stage::Accepted,
            track: None,
            document: None,
            procedure: None,
            parties: Vec::new(),
            approved_on: None,
            services: Vec::new(),
            objection_on: None,
            terminated: None,
            mediation: None,
            effective_on: None,
            perform_by: None,
            enforce_by: None,
            last_on: None,
        }
    }

    /// The state after `events` from a new filing, refusing the first event that does not fit
    /// (its index and the refusal). Dates are checked against `today`.
    pub fn replay<'a>(
        events: impl IntoIterator<Item = &'a Event>,
        today: NaiveDate,
        cal: &Calendar,
    ) -> Result<Lifecycle, (usize, Refusal)> {
        let mut lc = Lifecycle::new();
        for (i, e) in events.into_iter().enumerate() {
            lc = lc.apply(e, today, cal).map_err(|r| (i, r))?;
        }
        Ok(lc)
    }

    /// True when every party has been served (a service on nobody in particular serves all).
    pub fn all_served(&self) -> bool {
        if self.services.iter().any(|s| s.party.is_none()) {
            return true;
        }
        !self.services.is_empty()
            && self
                .parties
                .iter()
                .all(|p| self.services.iter().any(|s| s.party.as_deref() == Some(p)))
    }

    /// The last day of the objection or appeal window, once every party has been served: the
    /// latest party's period (`None` for a final judgment or a 调解书, and before service).
    pub fn window_end(&self, cal: &Calendar) -> Option<NaiveDate> {
        if !self.all_served() {
            return None;
        }
        let track = self.track?;
        self.services
            .iter()
            .filter_map(|s| {
                let days = match track {
                    Track::PaymentOrder => 15,
                    Track::Judgment if s.abroad => 30,
                    Track::Judgment => 15,
                    Track::SmallClaimsJudgment | Track::Mediation => return None,
                };
                Some(cal.days_after(s.deemed, days))
            })
            .max()
    }

    /// The day the document takes effect, once it can be known: the day after the window for an
    /// appealable judgment or a payment order \[M: courts date effect from the day after the
    /// window's last day, as practitioners' commentaries also count it\]; the last service for a final judgment or a 调解书.
    pub fn effective_date(&self, cal: &Calendar) -> Option<NaiveDate> {
        if !self.all_served() {
            return None;
        }
        match self.track? {
            Track::Judgment | Track::PaymentOrder => self
                .window_end(cal)
                .and_then(|d| d.checked_add_days(Days::new(1))),
            Track::SmallClaimsJudgment | Track::Mediation => {
                self.services.iter().map(|s| s.deemed).max()
            }
        }
    }

    /// The next deadline the court or a party faces, with its rule (`None` when none runs).
    pub fn deadlines(&self, cal: &Calendar) -> Vec<Deadline> {
        let mut out = Vec::new();
        match self.stage {
            Stage::Approved if self.track == Some(Track::PaymentOrder) => {
                if let Some(d) = self.approved_on {
                    out.push(Deadline {
                        due: cal.days_after(d, 30),
                        what: "支付令送达（逾期无法送达的，裁定终结督促程序）".to_owned(),
                        rule: "民诉法解释第四百三十条 [P]".to_owned(),
                    });
                }
            }
            Stage::Served => {
                if let (Some(end), Some(track)) = (self.window_end(cal), self.track) {
                    out.push(match track {
                        Track::PaymentOrder => Deadline {
                            due: end,
                            what: "异议期届满（被申请人须于此前清偿或提出书面异议）".to_owned(),
                            rule: "民事诉讼法第二百二十七条、第八十五条 [P]".to_owned(),
                        },
                        _ => Deadline {
                            due: end,
                            what: "上诉期届满（当事人须于此前提起上诉）".to_owned(),
                            rule: "民事诉讼法第一百七十一条、第二百八十六条、第八十五条 [P]"
                                .to_owned(),
                        },
                    });
                }
                for s in &self.services {
                    if s.method == ServiceMethod::Publication && s.deemed > s.on {
                        out.push(Deadline {
                            due: s.deemed,
                            what: "公告期满，视为送达".to_owned(),
                            rule: "民事诉讼法第九十五条 [P]".to_owned(),
                        });
                    }
                }
            }
            Stage::Terminated => {
                if let Some((d, why)) = &self.terminated
                    && why == "objection"
                {
                    out.push(Deadline {
                        due: cal.days_after(*d, 7),
                        what: "申请人表示不同意提起诉讼（期满未表示的，转入诉讼程序）".to_owned(),
                        rule: "民诉法解释第四百三十八条、第四百三十九条 [P]".to_owned(),
                    });
                }
            }
            Stage::Effective => {
                if let Some(d) = self.perform_by {
                    out.push(Deadline {
                        due: d,
                        what: "履行期间届满".to_owned(),
                        rule: self.perform_rule().to_owned(),
                    });
                }
                if let Some(d) = self.enforce_by {
                    out.push(Deadline {
                        due: d,
                        what: "申请执行期间届满".to_owned(),
                        rule: "民事诉讼法第二百五十条 [P]".to_owned(),
                    });
                }
            }
            _ => {}
        }
        out.sort_by_key(|d| d.due);
        out
    }

    fn perform_rule(&self) -> &'static str {
        match self.track {
            Some(Track::PaymentOrder) => "民事诉讼法第二百二十七条 [P]",
            Some(Track::Mediation) => "调解协议约定的最后一期履行日",
            _ => "判决主文“于本判决生效之日起十日内”，民事诉讼法第八十五条 [P]",
        }
    }

    /// Where the filing stands on `today`, in a sentence for the judge or the bank.
    pub fn status_zh(&self, today: NaiveDate, cal: &Calendar) -> String {
        let date = date_zh;
        match self.stage {
            Stage::Served => match (self.track, self.window_end(cal)) {
                (Some(Track::PaymentOrder), Some(end)) if today <= end => {
                    format!("已送达，异议期至{}", date(end))
                }
                (Some(Track::Judgment), Some(end)) if today <= end => {
                    format!("已送达，上诉期至{}", date(end))
                }
                (_, Some(_)) | (Some(Track::SmallClaimsJudgment | Track::Mediation), None)
                    if self.all_served() =>
                {
                    "已送达，期间届满，可确认生效".to_owned()
                }
                _ => "部分当事人已送达".to_owned(),
            },
            Stage::Effective => match (self.effective_on, self.perform_by, self.enforce_by) {
                (Some(e), Some(p), Some(by)) if today <= p => format!(
                    "已于{}生效，履行期至{}；逾期未履行可于{}前申请执行",
                    date(e),
                    date(p),
                    date(by)
                ),
                (Some(e), _, Some(by)) if today <= by => {
                    format!("已于{}生效，可申请执行（至{}）", date(e), date(by))
                }
                (Some(e), _, Some(by)) => {
                    format!("已于{}生效；申请执行期间已于{}届满", date(e), date(by))
                }
                _ => "已生效".to_owned(),
            },
            s => s.zh().to_owned(),
        }
    }

    /// The state after `event`, or why it cannot happen now.
    pub fn apply(
        &self,
        event: &Event,
        today: NaiveDate,
        cal: &Calendar,
    ) -> Result<Lifecycle, Refusal> {
        let on = event.on();
        if on > today {
            return Err(refuse(
                RefusalCode::FutureDate,
                format!("日期{}晚于今天", date_zh(on)),
            ));
        }
        if let Some(last) = self.last_on
            && on < last
        {
            return Err(refuse(
                RefusalCode::OutOfOrder,
                format!("日期{}早于上一记录的日期{}", date_zh(on), date_zh(last)),
            ));
        }
        let wrong_stage = || {
            refuse(
                RefusalCode::WrongStage,
                format!("当前状态为“{}”，不能记录“{}”", self.stage.zh(), event.zh()),
            )
        };
        let mut next = self.clone();
        next.last_on = Some(on);
        let track = self.track;
        match event {
            Event::Drafted {
                document,
                procedure,
                parties,
                ..
            } => {
                if !matches!(self.stage, Stage::Accepted | Stage::Drafted) {
                    return Err(wrong_stage());
                }
                next.stage = Stage::Drafted;
                next.document = Some(*document);
                next.procedure = Some(*procedure);
                next.parties = parties.clone();
            }
            Event::Approved { .. } => {
                if self.stage != Stage::Drafted {
                    return Err(wrong_stage());
                }
                next.track = Some(match (self.document, self.procedure) {
                    (Some(DocumentKind::PaymentOrder), _) => Track::PaymentOrder,
                    (Some(DocumentKind::Judgment), Some(Procedure::SmallClaims)) => {
                        Track::SmallClaimsJudgment
                    }
                    (Some(DocumentKind::Judgment), _) => Track::Judgment,
                    _ => {
                        return Err(refuse(
                            RefusalCode::WrongDocument,
                            "没有可签发的文书（仅有审查提示）",
                        ));
                    }
                });
                next.stage = Stage::Approved;
                next.approved_on = Some(on);
            }
            Event::Rejected { .. } | Event::ReturnedToBank { .. } => {
                if self.stage != Stage::Drafted {
                    return Err(wrong_stage());
                }
                next.stage = match event {
                    Event::Rejected { .. } => Stage::Rejected,
                    _ => Stage::ReturnedToBank,
                };
            }
            Event::Served {
                on,
                method,
                party,
                abroad,
            } => {
                let ok_stage = matches!(self.stage, Stage::Approved | Stage::Mediated)
                    || (self.stage == Stage::Served && !self.all_served());
                if !ok_stage {
                    return Err(wrong_stage());
                }
                if track == Some(Track::PaymentOrder) && *method == ServiceMethod::Publication {
                    return Err(refuse(
                        RefusalCode::WrongDocument,
                        "支付令不适用公告送达（须能够送达，民诉法解释第四百二十七条 [P]）；无法送达的，记录“无法送达”",
                    ));
                }
                if let Some(p) = party
                    && !self.parties.iter().any(|q| q == p)
                {
                    return Err(refuse(RefusalCode::Invalid, format!("“{p}”不是本案当事人")));
                }
                if let Some(p) = party
                    && self.services.iter().any(|s| s.party.as_deref() == Some(p))
                {
                    return Err(refuse(RefusalCode::Invalid, format!("已记录向{p}送达")));
                }
                let deemed = if *method == ServiceMethod::Publication {
                    on.checked_add_days(Days::new(30)).unwrap_or(*on)
                } else {
                    *on
                };
                next.services.push(Service {
                    on: *on,
                    deemed,
                    method: *method,
                    party: party.clone(),
                    abroad: *abroad,
                });
                next.stage = Stage::Served;
            }
            Event::Unservable { .. } => {
                if self.stage != Stage::Approved || track != Some(Track::PaymentOrder) {
                    return Err(if track == Some(Track::PaymentOrder) {
                        wrong_stage()
                    } else {
                        refuse(
                            RefusalCode::WrongDocument,
                            "仅支付令因无法送达终结督促程序；判决书可公告送达",
                        )
                    });
                }
                if let Some(signed) = self.approved_on {
                    let limit = cal.days_after(signed, 30);
                    if on <= limit {
                        return Err(refuse(
                            RefusalCode::TooEarly,
                            format!(
                                "支付令发出后三十日内（至{}）仍可送达，期满无法送达的方可终结督促程序（民诉法解释第四百三十条 [P]）",
                                date_zh(limit)
                            ),
                        ));
                    }
                }
                next.stage = Stage::Terminated;
                next.terminated = Some((on, "unservable".to_owned()));
            }
            Event::ObjectionFiled { .. } => {
                if track != Some(Track::PaymentOrder) {
                    return Err(refuse(
                        RefusalCode::WrongDocument,
                        "书面异议只适用于支付令；对判决不服应提起上诉",
                    ));
                }
                if self.stage != Stage::Served {
                    return Err(wrong_stage());
                }
                // An objection may come from a debtor served before the others; it is late only
                // after the last window.
                not_after(
                    on,
                    self.window_end(cal),
                    "异议期",
                    "（民事诉讼法第二百二十七条 [P]）",
                )?;
                next.stage = Stage::Objected;
                next.objection_on = Some(on);
            }
            Event::ObjectionUpheld { .. } => {
                if self.stage != Stage::Objected {
                    return Err(wrong_stage());
                }
                next.stage = Stage::Terminated;
                next.terminated = Some((on, "objection".to_owned()));
            }
            Event::ObjectionDismissed { .. } => {
                if self.stage != Stage::Objected {
                    return Err(wrong_stage());
                }
                next.stage = Stage::Served;
            }
            Event::LitigationDeclined { .. } => {
                let Some((d, why)) = &self.terminated else {
                    return Err(wrong_stage());
                };
                if self.stage != Stage::Terminated || why != "objection" {
                    return Err(wrong_stage());
                }
                not_after(
                    on,
                    Some(cal.days_after(*d, 7)),
                    "表示不同意诉讼的期间",
                    "，案件已转入诉讼程序（民诉法解释第四百三十九条 [P]）",
                )?;
                next.stage = Stage::Closed;
            }
            Event::ConvertedToLitigation { .. } => {
                if self.stage != Stage::Terminated
                    || !matches!(&self.terminated, Some((_, why)) if why == "objection")
                {
                    return Err(wrong_stage());
                }
                // A new litigation draft follows; the order's services and dates are history.
                next.stage = Stage::Drafted;
                next.track = None;
                next.document = Some(DocumentKind::Judgment);
                next.procedure = None;
                next.approved_on = None;
                next.services.clear();
                next.objection_on = None;
            }
            Event::Appealed { .. } => {
                match track {
                    Some(Track::Judgment) => {}
                    Some(Track::SmallClaimsJudgment) => {
                        return Err(refuse(
                            RefusalCode::WrongDocument,
                            "小额诉讼案件一审终审，不能上诉（民事诉讼法第一百六十五条 [P]）",
                        ));
                    }
                    _ => {
                        return Err(refuse(RefusalCode::WrongDocument, "只有判决书可以上诉"));
                    }
                }
                if self.stage != Stage::Served {
                    return Err(wrong_stage());
                }
                not_after(
                    on,
                    self.window_end(cal),
                    "上诉期",
                    "（民事诉讼法第一百七十一条 [P]）",
                )?;
                next.stage = Stage::Appealed;
            }
            Event::Effective { .. } => {
                if self.stage != Stage::Served {
                    return Err(wrong_stage());
                }
                let Some(effective) = self.effective_date(cal) else {
                    return Err(refuse(
                        RefusalCode::TooEarly,
                        "尚有当事人未送达，不能确认生效",
                    ));
                };
                if on < effective {
                    return Err(refuse(
                        RefusalCode::TooEarly,
                        format!(
                            "{}期间尚未届满，{}起方可确认生效",
                            if track == Some(Track::PaymentOrder) {
                                "异议"
                            } else {
                                "上诉"
                            },
                            date_zh(effective)
                        ),
                    ));
                }
                let perform_by = match track {
                    Some(Track::PaymentOrder) => self.window_end(cal).unwrap_or(effective),
                    Some(Track::Mediation) => self
                        .mediation
                        .as_ref()
                        .and_then(|t| t.instalments.iter().map(|i| i.due).max())
                        .unwrap_or(effective),
                    _ => cal.days_after(effective, 10),
                };
                next.stage = Stage::Effective;
                next.effective_on = Some(effective);
                next.perform_by = Some(perform_by);
                next.enforce_by = Some(cal.years_after(perform_by, 2));
            }
            Event::EnforcementApplied { .. } => {
                if self.stage != Stage::Effective {
                    return Err(wrong_stage());
                }
                if let Some(p) = self.perform_by
                    && on <= p
                {
                    return Err(refuse(
                        RefusalCode::TooEarly,
                        format!("履行期间至{}，期满未履行方可申请执行", date_zh(p)),
                    ));
                }
                next.stage = Stage::EnforcementApplied;
            }
            Event::Mediated { terms, .. } => {
                if !matches!(
                    self.stage,
                    Stage::Accepted | Stage::Drafted | Stage::Approved
                ) {
                    return Err(wrong_stage());
                }
                if track == Some(Track::PaymentOrder)
                    || (track.is_none() && self.document == Some(DocumentKind::PaymentOrder))
                {
                    return Err(refuse(
                        RefusalCode::WrongDocument,
                        "督促程序不适用调解；异议成立转入诉讼后方可调解",
                    ));
                }
                if terms.instalments.is_empty() || terms.total().is_zero() {
                    return Err(refuse(RefusalCode::Invalid, "调解协议须列明履行金额与期限"));
                }
                if terms.instalments.windows(2).any(|w| w[1].due < w[0].due)
                    || terms.instalments.iter().any(|i| i.due < on)
                {
                    return Err(refuse(
                        RefusalCode::Invalid,
                        "各期履行日期须按先后排列，且不早于调解日",
                    ));
                }
                next.stage = Stage::Mediated;
                next.track = Some(Track::Mediation);
                next.mediation = Some(terms.clone());
                next.services.clear();
            }
            Event::Withdrawn { reason, .. } => {
                if !matches!(
                    self.stage,
                    Stage::Accepted | Stage::Drafted | Stage::Approved
                ) {
                    return Err(refuse(
                        RefusalCode::WrongStage,
                        format!(
                            "当前状态为“{}”：文书送达（宣判）后不能撤诉（民事诉讼法第一百四十八条 [P]）",
                            self.stage.zh()
                        ),
                    ));
                }
                if reason.trim().is_empty() {
                    return Err(refuse(RefusalCode::Invalid, "须写明撤诉理由"));
                }
                let payment_order = track == Some(Track::PaymentOrder)
                    || (track.is_none() && self.document == Some(DocumentKind::PaymentOrder));
                if payment_order {
                    next.stage = Stage::Terminated;
                    next.terminated = Some((on, "withdrawn".to_owned()));
                } else {
                    next.stage = Stage::Withdrawn;
                }
            }
        }
        Ok(next)
    }
}

#[cfg(test)]
mod tests;
