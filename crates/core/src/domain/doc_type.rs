//! The types of the documents a filing holds ([`DocType`]): the one classification that the
//! dossier catalogue (`extract::catalogue`), the field reader (`extract::raw`) and the fixture
//! generator's gold files share.
//!
//! Plain data: it names and groups the types. Telling a document's type from its text is
//! extraction's job, not this module's.

/// The kind of a document in a filing (the catalogue types). Its serde names
/// (`loan_contract`, …) are those of the fixtures' gold files.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum DocType {
    /// 民事起诉状 / 支付令申请书.
    Complaint,
    /// 借款合同 / 信用卡领用合约 / 借款协议.
    LoanContract,
    /// 保证合同.
    GuaranteeContract,
    /// 抵押合同.
    MortgageContract,
    /// 借据 / 借条.
    LoanReceipt,
    /// 还款明细 / 对账单 / 交易流水.
    Statement,
    /// 催收记录.
    Collection,
    /// 债权转让协议及通知.
    Assignment,
    /// 身份证明 / 营业执照.
    Identity,
    /// 授权委托书.
    PowerOfAttorney,
    /// 证据目录.
    EvidenceList,
    /// Anything else (a scan without text, 送达地址确认书 …).
    Other,
}

impl DocType {
    /// Every type, in report order.
    pub const ALL: [DocType; 12] = [
        DocType::Complaint,
        DocType::LoanContract,
        DocType::GuaranteeContract,
        DocType::MortgageContract,
        DocType::LoanReceipt,
        DocType::Statement,
        DocType::Collection,
        DocType::Assignment,
        DocType::Identity,
        DocType::PowerOfAttorney,
        DocType::EvidenceList,
        DocType::Other,
    ];

    /// The schema name (`loan_contract`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            DocType::Complaint => "complaint",
            DocType::LoanContract => "loan_contract",
            DocType::GuaranteeContract => "guarantee_contract",
            DocType::MortgageContract => "mortgage_contract",
            DocType::LoanReceipt => "loan_receipt",
            DocType::Statement => "statement",
            DocType::Collection => "collection",
            DocType::Assignment => "assignment",
            DocType::Identity => "identity",
            DocType::PowerOfAttorney => "power_of_attorney",
            DocType::EvidenceList => "evidence_list",
            DocType::Other => "other",
        }
    }

    /// The type as a judge's dossier names it.
    pub fn zh(self) -> &'static str {
        match self {
            DocType::Complaint => "起诉状",
            DocType::LoanContract => "借款合同",
            DocType::GuaranteeContract => "保证合同",
            DocType::MortgageContract => "抵押合同",
            DocType::LoanReceipt => "借据",
            DocType::Statement => "还款明细 / 流水",
            DocType::Collection => "催收记录",
            DocType::Assignment => "债权转让材料",
            DocType::Identity => "身份证明",
            DocType::PowerOfAttorney => "授权委托书",
            DocType::EvidenceList => "证据目录",
            DocType::Other => "其他材料",
        }
    }

    /// The coarse type the field reader splits a filing by: the complaint, any contract or
    /// receipt (`LoanContract`), a ledger, a collection notice, or anything else.
    pub fn coarse(self) -> DocType {
        match self {
            DocType::Complaint | DocType::Statement | DocType::Collection => self,
            DocType::LoanContract
            | DocType::GuaranteeContract
            | DocType::MortgageContract
            | DocType::LoanReceipt => DocType::LoanContract,
            DocType::Assignment
            | DocType::Identity
            | DocType::PowerOfAttorney
            | DocType::EvidenceList
            | DocType::Other => DocType::Other,
        }
    }

    /// A document a party signed that states the debt's terms: a loan, guarantee or mortgage
    /// contract or a loan receipt. Extraction reads the contract number, date, amount, rate and
    /// maturity from these.
    pub fn is_contract(self) -> bool {
        matches!(
            self,
            DocType::LoanContract
                | DocType::GuaranteeContract
                | DocType::MortgageContract
                | DocType::LoanReceipt
        )
    }

    /// A repayment ledger (还款明细, 对账单, 交易流水): the rows of the debt's history.
    pub fn is_ledger(self) -> bool {
        self == DocType::Statement
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_names_are_the_schema_names() {
        for t in DocType::ALL {
            let json = serde_json::to_string(&t).unwrap_or_default();
            assert_eq!(json, format!("\"{}\"", t.as_str()));
            assert_eq!(serde_json::from_str::<DocType>(&json).ok(), Some(t));
        }
    }

    #[test]
    fn groups() {
        let contracts: Vec<DocType> = DocType::ALL
            .into_iter()
            .filter(|t| t.is_contract())
            .collect();
        assert_eq!(contracts.len(), 4);
        assert!(!DocType::Complaint.is_contract() && !DocType::Statement.is_contract());
        assert!(DocType::Statement.is_ledger() && !DocType::Collection.is_ledger());
    }
}
