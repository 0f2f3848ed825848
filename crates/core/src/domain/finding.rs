//! [`Finding`]: something a judge or a bank must see about a filing (a defect, a doubt, a rule
//! that bites). A finding is not an error: the pipeline carries on and reports it.

use serde::{Deserialize, Serialize};

/// The stable code of a finding. The snake_case names are the gold schema's flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingCode {
    /// A page has no text layer: it needs OCR before facts can be read from it.
    NeedsOcr,
    /// An amount written in 大写 disagrees with the same amount in figures.
    AmountWordsMismatch,
    /// The stated total (合计) is not the sum of the claim items.
    ClaimsTotalMismatch,
    /// The claimed rate (interest + 罚息 + fees) exceeds the applicable cap.
    InterestOverCap,
    /// The three-year limitation period ran out before filing.
    LimitationExpired,
    /// The guarantee period ran out before the guarantor was sued.
    GuaranteePeriodExpired,
    /// A credit-card case names a guarantor, which card debt normally has not.
    CreditCardGuarantor,
    /// A field the pipeline needs could not be read.
    MissingField,
    /// The filing contains no contract, or no record of the loan or transfer.
    MissingEvidence,
    /// The court addressed may lack territorial jurisdiction.
    JurisdictionDoubt,
    /// Two extractors (the rules and the tagging model) read different values for one field;
    /// the value kept has a lowered confidence and the judge must check the text.
    FieldConflict,
    /// Pages were read by OCR: an information note when every field a draft needs was read
    /// with high confidence, for review when one was not (the judge checks it against the
    /// image). Like `missing_field`, a note on the reading, not a flag of the case.
    OcrRead,
}

impl FindingCode {
    /// Every code, in a fixed order.
    pub const ALL: [FindingCode; 12] = [
        FindingCode::NeedsOcr,
        FindingCode::AmountWordsMismatch,
        FindingCode::ClaimsTotalMismatch,
        FindingCode::InterestOverCap,
        FindingCode::LimitationExpired,
        FindingCode::GuaranteePeriodExpired,
        FindingCode::CreditCardGuarantor,
        FindingCode::MissingField,
        FindingCode::MissingEvidence,
        FindingCode::JurisdictionDoubt,
        FindingCode::FieldConflict,
        FindingCode::OcrRead,
    ];

    /// The schema name (`needs_ocr`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            FindingCode::NeedsOcr => "needs_ocr",
            FindingCode::AmountWordsMismatch => "amount_words_mismatch",
            FindingCode::ClaimsTotalMismatch => "claims_total_mismatch",
            FindingCode::InterestOverCap => "interest_over_cap",
            FindingCode::LimitationExpired => "limitation_expired",
            FindingCode::GuaranteePeriodExpired => "guarantee_period_expired",
            FindingCode::CreditCardGuarantor => "credit_card_guarantor",
            FindingCode::MissingField => "missing_field",
            FindingCode::MissingEvidence => "missing_evidence",
            FindingCode::JurisdictionDoubt => "jurisdiction_doubt",
            FindingCode::FieldConflict => "field_conflict",
            FindingCode::OcrRead => "ocr_read",
        }
    }

    /// The code of a schema name (`None` for a name this build does not know).
    pub fn parse(s: &str) -> Option<FindingCode> {
        FindingCode::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// What a judge or a bank reads on a screen.
    pub fn zh(self) -> &'static str {
        match self {
            FindingCode::NeedsOcr => "扫描页待识别",
            FindingCode::AmountWordsMismatch => "大小写金额不一致",
            FindingCode::ClaimsTotalMismatch => "诉请合计不符",
            FindingCode::InterestOverCap => "利率超过上限",
            FindingCode::LimitationExpired => "诉讼时效届满",
            FindingCode::GuaranteePeriodExpired => "保证期间届满",
            FindingCode::CreditCardGuarantor => "信用卡案件列保证人",
            FindingCode::MissingField => "要素缺失",
            FindingCode::MissingEvidence => "证据缺失",
            FindingCode::JurisdictionDoubt => "管辖存疑",
            FindingCode::FieldConflict => "要素读取不一致",
            FindingCode::OcrRead => "扫描页经OCR识别",
        }
    }
}

impl FindingCode {
    /// The facts a finding of this code is reckoned from, whose sources it quotes
    /// ([`Finding::quotes`]); the finding's own field is quoted too.
    pub fn rests_on(self) -> &'static [super::FactField] {
        use super::FactField as F;
        match self {
            FindingCode::ClaimsTotalMismatch => &[
                F::ClaimsStatedTotal,
                F::ClaimsPrincipal,
                F::ClaimsInterest,
                F::ClaimsAttorneyFee,
                F::ClaimsOtherFees,
            ],
            FindingCode::InterestOverCap => &[F::ContractDate],
            FindingCode::LimitationExpired => &[
                F::MaturityDate,
                F::DefaultDate,
                F::LastDemandDate,
                F::FilingDate,
            ],
            FindingCode::GuaranteePeriodExpired => &[
                F::MaturityDate,
                F::GuaranteePeriodMonths,
                F::GuarantorDemandDate,
                F::FilingDate,
            ],
            FindingCode::JurisdictionDoubt => &[
                F::Court,
                F::PlaintiffDomicile,
                F::DefendantDomiciles,
                F::JurisdictionClause,
            ],
            FindingCode::NeedsOcr
            | FindingCode::AmountWordsMismatch
            | FindingCode::CreditCardGuarantor
            | FindingCode::MissingField
            | FindingCode::MissingEvidence
            | FindingCode::FieldConflict
            | FindingCode::OcrRead => &[],
        }
    }
}

/// A source a finding rests on, as the judge reads it: which fact, on which page, the words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quote {
    /// The fact's provenance key (`claims.stated_total`, `defendant_domiciles[0]`).
    pub field: String,
    /// 1-based page.
    pub page: u32,
    /// The source text.
    pub text: String,
}

/// How much a finding matters, and who must act on it (rules issue: `reject`, `review`, `info`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// For the judge's attention; the draft is still produced.
    Info,
    /// The judge decides: the finding changes or may change the suggested outcome (a claim cut
    /// or rejected, a doubtful fact).
    Review,
    /// The bank must fix the filing and file again (or the filing cannot proceed as filed: no
    /// text layer, limitation expired).
    Reject,
}

/// One finding about a filing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// Stable code.
    pub code: FindingCode,
    /// Severity.
    pub severity: Severity,
    /// The field it concerns, as a path into `CaseFacts` (`claims.stated_total`), if any.
    pub field: Option<String>,
    /// Human-readable reason, in Chinese, with the figures and the rule cited.
    pub message: String,
    /// The sources of the facts it rests on ([`FindingCode::rests_on`]), quoted once the
    /// extraction's provenance is known ([`Finding::quoting`]); empty for a finding about the
    /// filing as a whole.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub quotes: Vec<Quote>,
}

impl Finding {
    /// A finding with the given code, severity, field and message.
    pub fn new(
        code: FindingCode,
        severity: Severity,
        field: Option<&str>,
        message: impl Into<String>,
    ) -> Finding {
        Finding {
            code,
            severity,
            field: field.map(str::to_owned),
            message: message.into(),
            quotes: Vec::new(),
        }
    }

    /// The finding with the sources of its field and of the facts its code rests on, from
    /// `provenance` (a list field's items: its first three keys).
    pub fn quoting(mut self, provenance: &super::Provenance) -> Finding {
        let mut paths: Vec<&str> = self.field.as_deref().into_iter().collect();
        paths.extend(self.code.rests_on().iter().map(|f| f.path()));
        let mut quotes = Vec::new();
        for path in paths {
            let keys: Vec<&String> = match provenance.get_key_value(path) {
                Some((k, _)) => vec![k],
                None => provenance
                    .keys()
                    .filter(|k| k.starts_with(path) && k[path.len()..].starts_with('['))
                    .take(3)
                    .collect(),
            };
            for k in keys {
                if let Some(span) = provenance.get(k)
                    && !quotes.iter().any(|q: &Quote| &q.field == k)
                {
                    quotes.push(Quote {
                        field: k.clone(),
                        page: span.page,
                        text: span.text.clone(),
                    });
                }
            }
        }
        self.quotes = quotes;
        self
    }

    /// The finding without its quotes (to compare it with one reckoned again from the facts).
    pub fn unquoted(mut self) -> Finding {
        self.quotes.clear();
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Provenance, SourceSpan};

    fn span(page: u32, text: &str) -> SourceSpan {
        SourceSpan {
            page,
            start: 0,
            end: 1,
            text: text.into(),
            confidence: 0.9,
            ocr: false,
        }
    }

    /// A finding quotes its own field and the facts its code rests on, list items by key, each
    /// once; a finding about the filing as a whole quotes nothing.
    #[test]
    fn a_finding_quotes_the_sources_it_rests_on() {
        let mut p = Provenance::new();
        p.insert("claims.stated_total".into(), span(1, "合计106,530.00元"));
        p.insert("claims.principal".into(), span(1, "本金100,000.00元"));
        p.insert("court".into(), span(2, "青川市东湖区人民法院"));
        p.insert("defendant_domiciles[0]".into(), span(1, "住青川市"));
        let f = Finding::new(
            FindingCode::ClaimsTotalMismatch,
            Severity::Review,
            Some("claims.stated_total"),
            "合计不符",
        )
        .quoting(&p);
        let fields: Vec<&str> = f.quotes.iter().map(|q| q.field.as_str()).collect();
        assert_eq!(fields, vec!["claims.stated_total", "claims.principal"]);
        let j = Finding::new(
            FindingCode::JurisdictionDoubt,
            Severity::Review,
            None,
            "管辖",
        )
        .quoting(&p);
        let fields: Vec<&str> = j.quotes.iter().map(|q| q.field.as_str()).collect();
        assert_eq!(fields, vec!["court", "defendant_domiciles[0]"]);
        assert_eq!(j.quotes[0].page, 2);
        let o = Finding::new(FindingCode::NeedsOcr, Severity::Reject, None, "扫描").quoting(&p);
        assert!(o.quotes.is_empty());
        assert_eq!(
            f.clone().unquoted(),
            Finding {
                quotes: Vec::new(),
                ..f
            }
        );
    }
}
