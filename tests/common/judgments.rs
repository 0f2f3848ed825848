//! Fictitious decided judgments for the similar-case suites: one first-instance
//! private-lending template whose legal elements vary (organisation borrower, guarantor, agreed
//! rate, amount, absent defendant, ordered rate). Names are invented (张甲, 某某贸易有限公司).

use fincase::similar::archive::ArchivedCase;

/// The legal elements a generated judgment varies.
#[derive(Clone, Copy)]
pub struct Shape {
    pub company_borrower: bool,
    pub guarantor: bool,
    pub monthly_rate: &'static str,
    pub amount: u32,
    pub absent: bool,
    pub granted_rate: &'static str,
}

pub const SHAPES: [Shape; 6] = [
    Shape {
        company_borrower: true,
        guarantor: true,
        monthly_rate: "2",
        amount: 300_000,
        absent: true,
        granted_rate: "24",
    },
    Shape {
        company_borrower: true,
        guarantor: true,
        monthly_rate: "2",
        amount: 280_000,
        absent: false,
        granted_rate: "24",
    },
    Shape {
        company_borrower: false,
        guarantor: false,
        monthly_rate: "3",
        amount: 20_000,
        absent: true,
        granted_rate: "24",
    },
    Shape {
        company_borrower: false,
        guarantor: false,
        monthly_rate: "1",
        amount: 15_000,
        absent: false,
        granted_rate: "12",
    },
    Shape {
        company_borrower: false,
        guarantor: true,
        monthly_rate: "1.5",
        amount: 60_000,
        absent: true,
        granted_rate: "18",
    },
    Shape {
        company_borrower: false,
        guarantor: false,
        monthly_rate: "2",
        amount: 8_000,
        absent: false,
        granted_rate: "24",
    },
];

const NAMES: [&str; 6] = ["张甲", "李乙", "王丙", "赵丁", "钱戊", "孙己"];

/// A fictitious first-instance private-lending judgment of shape `s`.
pub fn judgment(n: usize, s: Shape) -> String {
    let plaintiff = NAMES[n % NAMES.len()];
    let borrower = if s.company_borrower {
        format!(
            "某某{}贸易有限公司",
            ["甲", "乙", "丙", "丁", "戊", "己"][n % 6]
        )
    } else {
        NAMES[(n + 1) % NAMES.len()].to_owned()
    };
    let guarantor = NAMES[(n + 2) % NAMES.len()];
    let mut parties = format!("原告：{plaintiff}，男，住某某市。被告：{borrower}，住所地某某市。");
    if s.guarantor {
        parties += &format!("被告：{guarantor}，男，住某某市。");
    }
    let amount = s.amount;
    let mut claims = format!(
        "原告{plaintiff}向本院提出诉讼请求：1．判令被告{borrower}偿还借款本金{amount}元及利息（按月利率{}%计算至实际清偿之日止）；",
        s.monthly_rate
    );
    if s.guarantor {
        claims += &format!("2．判令被告{guarantor}对上述债务承担连带清偿责任；");
    }
    claims += "3．本案诉讼费由被告负担。事实和理由：被告因经营需要向原告借款，出具借条一张。";
    let defence = if s.absent {
        format!("被告{borrower}经本院传票传唤未到庭参加诉讼，亦未提交答辩意见。")
    } else {
        format!("被告{borrower}辩称：借款属实，但利息约定过高，请求依法调整。")
    };
    let mut facts = format!(
        "经审理查明：2019年3月1日，被告{borrower}向原告借款{amount}元，约定月利率{}%，原告通过银行转账交付借款。",
        s.monthly_rate
    );
    if s.guarantor {
        facts += &format!("被告{guarantor}在借条上签字，承诺承担连带保证责任。");
    }
    let mut orders = format!(
        "判决如下：一、被告{borrower}于本判决生效之日起十日内偿还原告{plaintiff}借款本金{amount}元及利息（以{amount}元为基数，按年利率{}%自2019年3月1日起计算至实际清偿之日止）；",
        s.granted_rate
    );
    if s.guarantor {
        orders += &format!("二、被告{guarantor}对上述债务承担连带清偿责任；");
    }
    format!(
        "某某市某某区人民法院民事判决书（2020）某0101民初{n}号\n{parties}\n{claims}\n{defence}\n{facts}\n本院认为，合法的借贷关系受法律保护，被告应当偿还借款。\n{orders}\n案件受理费100元，由被告负担。\n如不服本判决，可在判决书送达之日起十五日内上诉。\n审判员 某某"
    )
}

/// Everything before 本院认为: what a complaint or a case's facts would give.
pub fn facts_of(judgment: &str) -> String {
    judgment.split("本院认为").next().unwrap().to_owned()
}

/// The judgments of [`SHAPES`] as archived cases `case-0` … `case-5`.
pub fn archived() -> Vec<ArchivedCase> {
    SHAPES
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let doc = fincase::backtest::Document {
                id: format!("case-{i}"),
                text: judgment(i, *s),
            };
            ArchivedCase::from_judgment(&doc, "test", &fincase::rules::RulesConfig::default())
        })
        .collect()
}
