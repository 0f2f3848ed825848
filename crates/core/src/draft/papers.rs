//! The court's papers after a draft (issue 25): the 民事裁定书 that ends a 督促程序, the
//! 生效证明书, the 民事调解书 and the 民事裁定书 that allows a withdrawal (准予撤诉). Each is
//! drafted from the filing's parties, the lifecycle's dates and the event that calls for it, in
//! the same four formats as a judgment (the HTML's blocks make the DOCX and the PDF).
//!
//! **Must not:** decide law: the dates come from `lifecycle`, the fees from `rules` (with their
//! trails, printed in the appendix like a judgment's).

use super::{Draft, DraftError, EXTRACTOR_VERSION, environment, html_to_text};
use crate::domain::date_zh;
use crate::lifecycle::{Event, LIFECYCLE_VERSION, Lifecycle, ServiceMethod, Track};
use crate::rules::{CourtFee, DocumentKind};
use chrono::NaiveDate;
use serde::Serialize;

/// Template of every paper (the layout; the wording of each paper is built here from the law it
/// cites, since it depends on why the paper is issued).
pub const PAPER_TEMPLATE: &str = "paper.v1.html.j2";

/// Which paper an event calls for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaperKind {
    /// 民事裁定书（终结督促程序）.
    TerminationRuling,
    /// 生效证明书.
    EffectCertificate,
    /// 民事调解书.
    MediationStatement,
    /// 民事裁定书（准予撤诉）.
    WithdrawalRuling,
}

impl std::str::FromStr for PaperKind {
    type Err = String;
    fn from_str(s: &str) -> Result<PaperKind, String> {
        [
            PaperKind::TerminationRuling,
            PaperKind::EffectCertificate,
            PaperKind::MediationStatement,
            PaperKind::WithdrawalRuling,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
        .ok_or_else(|| format!("unknown paper kind {s:?}"))
    }
}

impl PaperKind {
    /// The paper for `event`, applied to a filing now in the state `after` (`None`: no paper).
    pub fn for_event(event: &Event, after: &Lifecycle) -> Option<PaperKind> {
        match event {
            Event::ObjectionUpheld { .. } | Event::Unservable { .. } => {
                Some(PaperKind::TerminationRuling)
            }
            Event::Withdrawn { .. } if after.terminated.is_some() => {
                Some(PaperKind::TerminationRuling)
            }
            Event::Withdrawn { .. } => Some(PaperKind::WithdrawalRuling),
            Event::Mediated { .. } => Some(PaperKind::MediationStatement),
            Event::Effective { .. } => Some(PaperKind::EffectCertificate),
            _ => None,
        }
    }

    /// The paper's name.
    pub fn zh(self) -> &'static str {
        match self {
            PaperKind::TerminationRuling => "民事裁定书（终结督促程序）",
            PaperKind::EffectCertificate => "生效证明书",
            PaperKind::MediationStatement => "民事调解书",
            PaperKind::WithdrawalRuling => "民事裁定书（准予撤诉）",
        }
    }

    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            PaperKind::TerminationRuling => "termination_ruling",
            PaperKind::EffectCertificate => "effect_certificate",
            PaperKind::MediationStatement => "mediation_statement",
            PaperKind::WithdrawalRuling => "withdrawal_ruling",
        }
    }
}

/// The case as its papers name it (from the stored facts and outcome).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CaseHeading {
    /// The court (`××人民法院`).
    pub court: String,
    /// The case number, when the court has given one.
    pub case_number: Option<String>,
    /// 案由 (`金融借款合同纠纷`).
    pub cause: String,
    /// The plaintiff (applicant).
    pub plaintiff: String,
    /// The defendants (respondents), in the complaint's order.
    pub defendants: Vec<String>,
    /// The fee the paper allocates, computed by `rules` for how the case ends (the 支付令
    /// application fee; the acceptance fee halved for mediation or withdrawal).
    pub fee: Option<CourtFee>,
    /// The judge and the clerk.
    pub judge: Option<String>,
    /// The clerk.
    pub clerk: Option<String>,
    /// What extracted the parties ([`EXTRACTOR_VERSION`] when `None`).
    pub model_version: Option<String>,
}

/// A rendered paper: its kind and the document in the draft's formats.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paper {
    /// Which paper.
    pub kind: PaperKind,
    /// The document (`kind`: the document the case ran on; `rules_version`: the lifecycle's).
    pub draft: Draft,
}

#[derive(Serialize)]
struct Step {
    text: String,
    rule: String,
}

#[derive(Serialize)]
struct PaperContext {
    court: String,
    title: &'static str,
    case_number: String,
    /// 申请人/被申请人 or 原告/被告.
    claimant_role: &'static str,
    respondent_role: &'static str,
    plaintiff: String,
    defendants: Vec<String>,
    defendants_joined: String,
    cause: String,
    /// The paragraphs of the recital and the operative part, in order.
    recital: Vec<String>,
    operative: Vec<String>,
    after: Vec<String>,
    fee_line: Option<String>,
    trail_title: String,
    trail: Vec<Step>,
    judge: String,
    clerk: String,
    date_zh: String,
    certificate: bool,
    template_version: &'static str,
    rules_version: &'static str,
    model_version: String,
}

/// Drafts the paper `kind` for the filing now in state `lc`, after `event`, dated `on`.
pub fn render_paper(
    kind: PaperKind,
    heading: &CaseHeading,
    lc: &Lifecycle,
    event: &Event,
    on: NaiveDate,
) -> Result<Paper, DraftError> {
    let placeholder = |s: &Option<String>| s.clone().unwrap_or_else(|| "____".to_owned());
    let payment_order = lc.track == Some(Track::PaymentOrder)
        || (lc.track.is_none() && lc.document == Some(DocumentKind::PaymentOrder));
    let (claimant_role, respondent_role) = if payment_order {
        ("申请人", "被申请人")
    } else {
        ("原告", "被告")
    };
    let p = &heading.plaintiff;
    let ds = heading.defendants.join("、");
    let cause = heading.cause.clone();
    let mut recital = Vec::new();
    let mut operative = Vec::new();
    let mut after = Vec::new();
    let fee = heading.fee.as_ref();
    let fee_amount = fee.map(|f| f.payable.grouped());
    let mut fee_line = None;
    let title;
    match kind {
        PaperKind::TerminationRuling => {
            title = "民事裁定书";
            let issued = lc.approved_on.map(date_zh);
            recital.push(match issued {
                Some(d) => format!("申请人{p}与被申请人{ds}申请支付令一案，本院于{d}发出支付令。"),
                None => format!("申请人{p}与被申请人{ds}申请支付令一案，本院依法受理。"),
            });
            let why = lc.terminated.as_ref().map(|(_, w)| w.as_str());
            match (why, event) {
                (Some("objection"), _) => {
                    recital.push(format!(
                        "被申请人{ds}于{}向本院提出书面异议。本院经审查认为，被申请人提出的异议成立。依照《中华人民共和国民事诉讼法》第二百二十八条第一款规定，裁定如下：",
                        lc.objection_on.map(date_zh).unwrap_or_else(|| "____".to_owned())
                    ));
                    after.push("申请人自收到本裁定之日起七日内未向本院表示不同意提起诉讼的，视为向本院提起诉讼。".to_owned());
                }
                (Some("unservable"), _) => recital.push(
                    "该支付令自发出之日起三十日内无法送达被申请人。依照《最高人民法院关于适用〈中华人民共和国民事诉讼法〉的解释》第四百三十条第一款第二项规定，裁定如下："
                        .to_owned(),
                ),
                (_, Event::Withdrawn { reason, on }) => recital.push(format!(
                    "申请人{p}于{}以“{reason}”为由，在支付令送达前撤回申请。依照《最高人民法院关于适用〈中华人民共和国民事诉讼法〉的解释》第四百三十条第一款第三项规定，裁定如下：",
                    date_zh(*on)
                )),
                _ => {
                    return Err(DraftError::Template {
                        template: PAPER_TEMPLATE,
                        message: "督促程序未终结，不出具终结裁定".to_owned(),
                    });
                }
            }
            operative.push("终结本案督促程序。".to_owned());
            fee_line = fee_amount.map(|f| format!("申请费{f}元，由申请人{p}负担。"));
        }
        PaperKind::WithdrawalRuling => {
            title = "民事裁定书";
            let Event::Withdrawn { on, reason } = event else {
                return Err(DraftError::Template {
                    template: PAPER_TEMPLATE,
                    message: "撤诉裁定须由撤诉事件出具".to_owned(),
                });
            };
            recital.push(format!("原告{p}与被告{ds}{cause}一案，本院依法受理。"));
            recital.push(format!(
                "原告{p}于{}以“{reason}”为由向本院申请撤诉。本院认为，原告撤诉的请求不违反法律规定，应予准许。依照《中华人民共和国民事诉讼法》第一百四十八条第一款、第一百五十七条第一款第五项规定，裁定如下：",
                date_zh(*on)
            ));
            operative.push(format!("准许原告{p}撤诉。"));
            fee_line = fee.map(|f| fee_sentence(f, &format!("原告{p}")));
        }
        PaperKind::MediationStatement => {
            title = "民事调解书";
            let Some(terms) = &lc.mediation else {
                return Err(DraftError::Template {
                    template: PAPER_TEMPLATE,
                    message: "没有调解协议".to_owned(),
                });
            };
            recital.push(format!("原告{p}与被告{ds}{cause}一案，本院依法受理。"));
            recital.push("本案审理过程中，经本院主持调解，双方当事人自愿达成如下协议：".to_owned());
            let parts: Vec<String> = terms
                .instalments
                .iter()
                .map(|i| format!("于{}前支付{}元", date_zh(i.due), i.amount.grouped()))
                .collect();
            operative.push(if parts.len() == 1 {
                format!("被告{ds}{}", parts.join(""))
            } else {
                format!(
                    "被告{ds}分{}期向原告{p}支付共计{}元：{}",
                    if parts.len() == 2 {
                        "两".to_owned()
                    } else {
                        super::small_zh(parts.len() as u32)
                    },
                    terms.total().grouped(),
                    parts.join("；")
                )
            });
            if terms.acceleration {
                operative.push(format!(
                    "被告{ds}未按期足额履行上述任何一期付款义务的，原告{p}有权就全部未付款项一并申请强制执行"
                ));
            }
            if terms.interest_waived {
                operative.push(format!("原告{p}自愿放弃其余诉讼请求"));
            }
            if let Some(f) = fee {
                operative.push(
                    fee_sentence(f, &format!("被告{ds}"))
                        .trim_end_matches('。')
                        .to_owned(),
                );
            }
            after.push("上述协议，不违反法律规定，本院予以确认。".to_owned());
            after.push("本调解书经双方当事人签收后，即具有法律效力。".to_owned());
        }
        PaperKind::EffectCertificate => {
            title = "生效证明书";
            let Some(track) = lc.track else {
                return Err(DraftError::Template {
                    template: PAPER_TEMPLATE,
                    message: "没有已签发的文书".to_owned(),
                });
            };
            let doc = track.document_zh();
            let made = match (track, lc.approved_on) {
                (Track::Mediation, _) | (_, None) => String::new(),
                (_, Some(d)) => format!("本院于{}作出的", date_zh(d)),
            };
            let served: Vec<String> = lc
                .services
                .iter()
                .map(|s| {
                    let whom = s.party.clone().unwrap_or_else(|| "全体当事人".to_owned());
                    if s.method == ServiceMethod::Publication {
                        format!(
                            "{}以公告方式向{whom}送达（{}视为送达）",
                            date_zh(s.on),
                            date_zh(s.deemed)
                        )
                    } else {
                        format!(
                            "{}以{}方式送达{whom}",
                            date_zh(s.on),
                            s.method.zh().trim_end_matches("送达")
                        )
                    }
                })
                .collect();
            let role = |r: &str| {
                if payment_order {
                    format!("申请人{p}与被申请人{ds}")
                } else {
                    format!("{r}{p}与被告{ds}")
                }
            };
            recital.push(format!(
                "{}{}一案，{made}{doc}已于{}。",
                role("原告"),
                if payment_order {
                    "申请支付令".to_owned()
                } else {
                    cause.clone()
                },
                served.join("，")
            ));
            recital.push(match track {
                Track::PaymentOrder if lc.objection_on.is_some() => {
                    "被申请人提出的书面异议经审查不成立，已裁定驳回。".to_owned()
                }
                Track::PaymentOrder => "被申请人在法定期间内未提出书面异议。".to_owned(),
                Track::Judgment => "当事人在法定上诉期间内均未提起上诉。".to_owned(),
                Track::SmallClaimsJudgment => "本案适用小额诉讼程序，实行一审终审。".to_owned(),
                Track::Mediation => "双方当事人均已签收。".to_owned(),
            });
            let effective = lc
                .effective_on
                .map(date_zh)
                .unwrap_or_else(|| "____".to_owned());
            operative.push(format!("该{doc}已于{effective}发生法律效力。"));
            if let (Some(p_by), Some(by)) = (lc.perform_by, lc.enforce_by) {
                after.push(format!(
                    "履行期间至{}届满；义务人逾期不履行的，权利人可以在{}前向人民法院申请执行。",
                    date_zh(p_by),
                    date_zh(by)
                ));
            }
            after.push("特此证明。".to_owned());
        }
    }
    let (trail_title, trail) = match fee {
        Some(f) if kind != PaperKind::EffectCertificate => (
            format!("{}：{}元", fee_name(f), f.payable.grouped()),
            f.trail
                .iter()
                .map(|s| Step {
                    text: s.text.clone(),
                    rule: s.rule.clone(),
                })
                .collect(),
        ),
        _ => (String::new(), Vec::new()),
    };
    let template = PAPER_TEMPLATE;
    let ctx = PaperContext {
        court: heading.court.clone(),
        title,
        case_number: placeholder(&heading.case_number),
        claimant_role,
        respondent_role,
        plaintiff: p.clone(),
        defendants: heading.defendants.clone(),
        defendants_joined: ds,
        cause,
        recital,
        operative,
        after,
        fee_line,
        trail_title,
        trail,
        judge: placeholder(&heading.judge),
        clerk: placeholder(&heading.clerk),
        date_zh: super::date_zh_numerals(on),
        certificate: kind == PaperKind::EffectCertificate,
        template_version: template,
        rules_version: LIFECYCLE_VERSION,
        model_version: heading
            .model_version
            .clone()
            .unwrap_or_else(|| EXTRACTOR_VERSION.to_owned()),
    };
    let err = |e: minijinja::Error| DraftError::Template {
        template,
        message: format!("{e:#}"),
    };
    let html = environment()?
        .get_template(template)
        .map_err(err)?
        .render(&ctx)
        .map_err(err)?;
    let text = html_to_text(&html);
    Ok(Paper {
        kind,
        draft: Draft {
            kind: lc.document.unwrap_or(DocumentKind::None),
            html,
            text,
            template_version: template.to_owned(),
            rules_version: LIFECYCLE_VERSION.to_owned(),
            model_version: ctx.model_version,
        },
    })
}

fn fee_name(f: &CourtFee) -> &'static str {
    match f.kind {
        crate::rules::FeeKind::PaymentOrderApplication => "申请费",
        _ => "案件受理费",
    }
}

/// `案件受理费2,300.00元，减半收取计1,150.00元，由被告某负担。`
fn fee_sentence(f: &CourtFee, payer: &str) -> String {
    if f.halved && f.payable != f.schedule_fee {
        format!(
            "案件受理费{}元，减半收取计{}元，由{payer}负担。",
            f.schedule_fee.grouped(),
            f.payable.grouped()
        )
    } else {
        format!("案件受理费{}元，由{payer}负担。", f.payable.grouped())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lifecycle::{Calendar, Instalment, MediationTerms};
    use crate::rules::{CaseEnding, FeeRounding, Procedure, court_fee};

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("test date")
    }

    fn heading(fee: Option<CourtFee>) -> CaseHeading {
        CaseHeading {
            court: "示例市某某区人民法院".to_owned(),
            case_number: Some("（2026）示0102民督88号".to_owned()),
            cause: "金融借款合同纠纷".to_owned(),
            plaintiff: "甲银行股份有限公司示例分行".to_owned(),
            defendants: vec!["张三".to_owned()],
            fee,
            judge: Some("李明".to_owned()),
            clerk: Some("王芳".to_owned()),
            model_version: Some("test".to_owned()),
        }
    }

    /// Runs `events`, renders the paper the last one calls for, and checks all four formats.
    fn paper(events: &[Event], fee: Option<CourtFee>) -> String {
        let today = d("2026-12-06");
        let cal = Calendar::shipped();
        let lc = Lifecycle::replay(events, today, cal).expect("events apply");
        let last = events.last().expect("an event");
        let kind = PaperKind::for_event(last, &lc).expect("a paper");
        let p = render_paper(kind, &heading(fee), &lc, last, last.on()).expect("renders");
        assert!(!super::super::to_docx(&p.draft).expect("docx").is_empty());
        let pdf = super::super::to_pdf(&p.draft).expect("pdf: the font has every character");
        assert!(pdf.starts_with(b"%PDF"));
        p.draft.text
    }

    fn drafted(document: DocumentKind, procedure: Procedure) -> Event {
        Event::Drafted {
            on: d("2026-03-02"),
            document,
            procedure,
            parties: vec!["甲银行股份有限公司示例分行".to_owned(), "张三".to_owned()],
        }
    }

    fn fee(procedure: Procedure, ending: CaseEnding) -> Option<CourtFee> {
        Some(court_fee(
            crate::domain::Yuan::from_fen(10_000_000),
            procedure,
            ending,
            FeeRounding::Fen,
        ))
    }

    #[test]
    fn the_ruling_that_ends_a_payment_order_on_objection() {
        let events = [
            drafted(DocumentKind::PaymentOrder, Procedure::PaymentOrder),
            Event::Approved {
                on: d("2026-03-03"),
            },
            Event::Served {
                on: d("2026-03-04"),
                method: ServiceMethod::Postal,
                party: None,
                abroad: false,
            },
            Event::ObjectionFiled {
                on: d("2026-03-16"),
            },
            Event::ObjectionUpheld {
                on: d("2026-03-18"),
            },
        ];
        let text = paper(&events, fee(Procedure::PaymentOrder, CaseEnding::Judgment));
        insta::assert_snapshot!("termination_ruling", text);
    }

    #[test]
    fn the_ruling_that_ends_an_unservable_payment_order() {
        let events = [
            drafted(DocumentKind::PaymentOrder, Procedure::PaymentOrder),
            Event::Approved {
                on: d("2026-03-03"),
            },
            Event::Unservable {
                on: d("2026-04-03"),
            },
        ];
        let text = paper(&events, fee(Procedure::PaymentOrder, CaseEnding::Judgment));
        assert!(text.contains("三十日内无法送达"), "{text}");
        assert!(text.contains("终结本案督促程序"), "{text}");
    }

    #[test]
    fn the_certificate_of_a_payment_order_without_objection() {
        let events = [
            drafted(DocumentKind::PaymentOrder, Procedure::PaymentOrder),
            Event::Approved {
                on: d("2026-03-03"),
            },
            Event::Served {
                on: d("2026-09-18"),
                method: ServiceMethod::Electronic,
                party: None,
                abroad: false,
            },
            Event::Effective {
                on: d("2026-10-09"),
            },
        ];
        insta::assert_snapshot!("effect_certificate", paper(&events, None));
    }

    #[test]
    fn the_mediation_statement_halves_the_fee_once() {
        let terms = MediationTerms {
            instalments: vec![
                Instalment {
                    due: d("2026-05-31"),
                    amount: crate::domain::Yuan::from_fen(3_000_000),
                },
                Instalment {
                    due: d("2026-08-31"),
                    amount: crate::domain::Yuan::from_fen(3_000_000),
                },
            ],
            acceleration: true,
            interest_waived: true,
        };
        let events = [
            drafted(DocumentKind::Judgment, Procedure::Ordinary),
            Event::Mediated {
                on: d("2026-04-20"),
                terms,
            },
        ];
        let text = paper(&events, fee(Procedure::Ordinary, CaseEnding::Mediation));
        insta::assert_snapshot!("mediation_statement", text);
        // A simplified-procedure case was halved already: mediation does not halve again.
        let simplified = fee(Procedure::Simplified, CaseEnding::Mediation).expect("fee");
        let ordinary = fee(Procedure::Ordinary, CaseEnding::Mediation).expect("fee");
        assert_eq!(simplified.payable, ordinary.payable);
    }

    #[test]
    fn the_ruling_that_allows_a_withdrawal() {
        let events = [
            drafted(DocumentKind::Judgment, Procedure::Simplified),
            Event::Withdrawn {
                on: d("2026-03-10"),
                reason: "被告已清偿全部欠款".to_owned(),
            },
        ];
        let text = paper(&events, fee(Procedure::Simplified, CaseEnding::Withdrawal));
        insta::assert_snapshot!("withdrawal_ruling", text);
    }
}
