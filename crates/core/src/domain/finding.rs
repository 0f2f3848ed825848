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
}

impl FindingCode {
    /// Every code, in a fixed order.
    pub const ALL: [FindingCode; 11] = [
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
        }
    }
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
        }
    }
}
