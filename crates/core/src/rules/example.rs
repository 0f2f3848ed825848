//! The rules' worked example: one set of facts whose figures are computed by hand in the
//! rules' tests (and `docs/outcome-law.md`), shared by the unit tests here, the integration
//! tests (`tests/rules.rs`) and anyone reading the API, so the hand-computed numbers sit on one
//! case instead of copies that drift apart.

use crate::domain::{
    CaseFacts, CaseType, Defendant, DefendantRole, Plaintiff, PlaintiffKind, Rate, Yuan,
};
use chrono::NaiveDate;
use rust_decimal::Decimal;

/// A bank loan of 100,000 at 6 %, 罚息 9 %, in default since 2024-01-01, interest claimed to
/// 2024-07-02 (183 days: 100,000 × 9 % × 183/360 = 4,575), filed 2024-08-01 at a 浙江 court;
/// one borrower, no guarantor.
pub fn bank_loan() -> CaseFacts {
    let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day);
    let mut f = CaseFacts {
        id: "rules-bank".into(),
        case_type: Some(CaseType::FinancialLoan),
        court: Some("杭州市西湖区人民法院".into()),
        plaintiff: Some(Plaintiff {
            name: "某某银行股份有限公司杭州分行".into(),
            kind: PlaintiffKind::Bank,
        }),
        defendants: vec![Defendant {
            name: "张三".into(),
            role: DefendantRole::Borrower,
        }],
        contract_number: Some("HT-2023-001".into()),
        contract_date: d(2023, 1, 1),
        loan_amount: Some(Yuan::from_fen(10_000_000)),
        annual_interest_rate: Some(Rate::from_percent(Decimal::new(6, 0))),
        penalty_rate: Some(Rate::from_percent(Decimal::new(9, 0))),
        maturity_date: d(2024, 1, 1),
        default_date: d(2024, 1, 1),
        filing_date: d(2024, 8, 1),
        ..CaseFacts::default()
    };
    f.claims.principal = Some(Yuan::from_fen(10_000_000));
    f.claims.interest = Some(Yuan::from_fen(457_500));
    f.claims.interest_cutoff_date = d(2024, 7, 2);
    f
}
