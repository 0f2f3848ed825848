//! Similar cases at their boundaries: `fincase eval scm` on triplet files, `fincase archive
//! import` and `fincase similar` on judgments written here (fictitious names, generated from
//! one template with varied legal elements), the archive on every database backend, the API,
//! and, when `../shared/data` is present, the committed re-ranker against its card on the real
//! CAIL2019-SCM triplets.

use fincase::similar::archive::ArchivedCase;
use fincase::similar::scm;
use fincase::similar::{CaseElements, Element};
use std::path::Path;
use std::process::{Command, Output};

mod common;

fn fincase(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fincase"))
        .args(args)
        .current_dir(cwd)
        .env(
            "FINCASE_MODELS",
            Path::new(env!("CARGO_MANIFEST_DIR")).join("models"),
        )
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// The legal elements a generated judgment varies.
#[derive(Clone, Copy)]
struct Shape {
    company_borrower: bool,
    guarantor: bool,
    monthly_rate: &'static str,
    amount: u32,
    absent: bool,
    granted_rate: &'static str,
}

const SHAPES: [Shape; 6] = [
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
fn judgment(n: usize, s: Shape) -> String {
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
fn facts_of(judgment: &str) -> String {
    judgment.split("本院认为").next().unwrap().to_owned()
}

fn judgments_file(dir: &Path) -> std::path::PathBuf {
    let mut lines: Vec<String> = SHAPES
        .iter()
        .enumerate()
        .map(|(i, s)| {
            serde_json::json!({"id": format!("case-{i}"), "text": judgment(i, *s)}).to_string()
        })
        .collect();
    lines.insert(3, "not json".to_owned());
    let path = dir.join("judgments.jsonl");
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    path
}

#[test]
fn elements_of_generated_judgments_follow_their_shape() {
    for (i, s) in SHAPES.iter().enumerate() {
        let e = CaseElements::read(&facts_of(&judgment(i, *s)));
        assert_eq!(
            e.has(Element::Guarantee),
            s.guarantor,
            "case {i}: {:?}",
            e.present()
        );
        assert_eq!(
            e.has(Element::OrganisationBorrower),
            s.company_borrower,
            "case {i}"
        );
        assert_eq!(
            e.has(Element::DefendantAbsent),
            s.absent,
            "case {i}: {:?}",
            e.present()
        );
        assert_eq!(
            e.has(Element::RateAboveCap),
            s.monthly_rate == "3",
            "case {i}: {:?}",
            e.yearly_rate
        );
    }
}

#[test]
fn eval_scm_prints_one_line_per_triplet_and_the_accuracy() {
    let tmp = tempfile::tempdir().unwrap();
    let j: Vec<String> = SHAPES
        .iter()
        .enumerate()
        .map(|(i, s)| facts_of(&judgment(i, *s)))
        .collect();
    // A is closer to B by construction (same elements, other names and amounts).
    let triplets = [
        serde_json::json!({"A": j[0], "B": j[1], "C": j[3], "label": "B"}),
        serde_json::json!({"A": j[0], "B": j[5], "C": j[1], "label": "C"}),
        serde_json::json!({"A": j[2], "B": j[5], "C": j[1]}),
    ];
    let file = tmp.path().join("t.jsonl");
    std::fs::write(
        &file,
        triplets
            .iter()
            .map(|t| t.to_string())
            .collect::<Vec<_>>()
            .join("\n"),
    )
    .unwrap();
    for method in ["reranker", "bm25", "elements"] {
        let o = fincase(
            &[
                "eval",
                "scm",
                file.to_str().unwrap(),
                "--method",
                method,
                "--no-dense",
            ],
            tmp.path(),
        );
        assert!(
            o.status.success(),
            "{method}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let lines: Vec<serde_json::Value> = stdout(&o)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 4, "{method}: three triplets and the accuracy");
        for (n, l) in lines[..3].iter().enumerate() {
            assert_eq!(l["line"], n);
            assert!(l["choice"] == "B" || l["choice"] == "C");
            let (b, c) = (
                l["score_b"].as_f64().unwrap(),
                l["score_c"].as_f64().unwrap(),
            );
            assert_eq!(l["choice"] == "B", b >= c, "{l}");
        }
        assert_eq!(lines[3]["labelled"], 2);
        if method == "reranker" {
            assert_eq!(
                lines[3]["right"], 2,
                "the re-ranker prefers the case of the same shape"
            );
        }
    }
    std::fs::write(
        &file,
        "{\"A\": \"甲\", \"B\": \"乙\", \"C\": \"丙\", \"label\": \"D\"}\n",
    )
    .unwrap();
    let o = fincase(&["eval", "scm", file.to_str().unwrap()], tmp.path());
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("line 0"));
}

#[test]
fn archive_import_then_similar_finds_the_case_of_the_same_shape() {
    let tmp = tempfile::tempdir().unwrap();
    let file = judgments_file(tmp.path());
    let o = fincase(
        &[
            "archive",
            "import",
            file.to_str().unwrap(),
            "--index",
            "idx",
        ],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = stdout(&o);
    assert!(text.contains("imported 6 judgment(s)"), "{text}");
    assert!(
        text.contains("skipped 1 line(s)") && text.contains("line 4"),
        "{text}"
    );
    // Importing again replaces, never doubles.
    let o = fincase(
        &[
            "archive",
            "import",
            file.to_str().unwrap(),
            "--index",
            "idx",
        ],
        tmp.path(),
    );
    assert!(
        stdout(&o).contains("the archive holds 6 case(s)"),
        "{}",
        stdout(&o)
    );

    // A new complaint shaped like cases 0 and 1: a company borrower, a guarantor, 2 % a month.
    let query = facts_of(&judgment(
        7,
        Shape {
            amount: 290_000,
            ..SHAPES[0]
        },
    ));
    std::fs::write(tmp.path().join("complaint.txt"), &query).unwrap();
    let o = fincase(
        &[
            "similar",
            "complaint.txt",
            "--index",
            "idx",
            "--limit",
            "3",
            "--json",
        ],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let cases = v["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 3);
    let top: Vec<&str> = cases[..2]
        .iter()
        .map(|c| c["case"]["id"].as_str().unwrap())
        .collect();
    assert!(
        top.contains(&"case-0") && top.contains(&"case-1"),
        "{top:?}"
    );
    assert!(
        cases[0]["shared_zh"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e == "有保证担保"),
        "{}",
        cases[0]["shared_zh"]
    );
    assert_eq!(cases[0]["case"]["decision"]["class"], "full");
    assert_eq!(v["summary"]["cases"], 3);
    // Plain text: the count first, then each case with its decision.
    let o = fincase(
        &["similar", "complaint.txt", "--index", "idx", "--limit", "3"],
        tmp.path(),
    );
    let text = stdout(&o);
    assert!(text.starts_with("3 件类案中："), "{text}");
    assert!(
        text.contains("判决本金") && text.contains("共同要素"),
        "{text}"
    );
    // Neither a file nor a filing id; an index without an archive.
    let o = fincase(&["similar", "nothing-here", "--index", "idx"], tmp.path());
    assert!(!o.status.success());
    let o = fincase(
        &["similar", "complaint.txt", "--index", "empty"],
        tmp.path(),
    );
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("archive import"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_archive_round_trips_on_every_backend() {
    common::on_every_backend(async |db| {
        let cases: Vec<ArchivedCase> = SHAPES
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let doc = fincase::backtest::Document {
                    id: format!("case-{i}"),
                    text: judgment(i, *s),
                };
                ArchivedCase::from_judgment(&doc, "test", &fincase::rules::RulesConfig::default())
            })
            .collect();
        assert_eq!(db.store.archive_put(&cases).await.unwrap(), 6);
        assert_eq!(db.store.archive_put(&cases[..2]).await.unwrap(), 2);
        assert_eq!(db.store.archive_count().await.unwrap(), 6);
        let ids = vec![
            "case-4".to_owned(),
            "missing".to_owned(),
            "case-0".to_owned(),
        ];
        let got = db.store.archive_get(&ids).await.unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!(got[0], cases[4]);
        assert_eq!(got[1], cases[0]);
        assert!(got[1].decision.interest_at_24() && got[1].decision.joint_liability);
        assert_eq!(db.store.archive_facts().await.unwrap().len(), 6);
    })
    .await;
}

/// The committed re-ranker reproduces the cross-validated accuracy its card states on the
/// real CAIL2019-SCM stage-1 triplets (B and C swapped on every odd line), and beats BM25
/// alone. Skips when `../shared/data` is absent.
#[test]
fn reranker_reproduces_its_card_on_cail2019_scm() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/data/cail2019-scm/stage1_train.jsonl");
    let Ok(content) = std::fs::read_to_string(&path) else {
        eprintln!("skipped: ../shared/data absent");
        return;
    };
    let mut t = scm::read_triplets(&content).unwrap();
    scm::swap_half(&mut t);
    let pool = scm::Pool::new(&t);
    let sims = fincase::pipeline::similar::pool_similarities(&pool, None).unwrap();
    let cv = scm::cross_validate(&pool, &sims, &scm::RerankConfig::default()).unwrap();
    let (right, n) = scm::accuracy(&pool, &cv).unwrap();
    let r = fincase::similar::Reranker::load_from(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("models"),
    )
    .unwrap()
    .unwrap();
    assert!(
        r.trained_on.contains(&format!("{right}/{n}")),
        "card says {:?}, measured {right}/{n}",
        r.trained_on
    );
    assert!(right * 100 >= n * 80, "{right}/{n}");
    let bm25 = scm::score_plain(&pool, &sims, scm::Method::Bm25);
    let (b, _) = scm::accuracy(&pool, &bm25).unwrap();
    assert!(b < right, "BM25 {b} vs re-ranker {right}");
}
