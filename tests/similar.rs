//! Similar cases at their boundaries: `fincase eval scm` on triplet files, `fincase archive
//! import` and `fincase similar` on judgments written here (fictitious names, generated from
//! one template with varied legal elements), the archive on every database backend, the API,
//! and, when `../shared/data` is present, the committed re-ranker against its card on the real
//! CAIL2019-SCM triplets.

use fincase::similar::scm;
use fincase::similar::{CaseElements, Element};
use std::path::Path;
use std::process::{Command, Output};

mod common;

use common::judgments::{SHAPES, Shape, facts_of, judgment};

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

/// The judgments of [`SHAPES`] as import lines `{"id": "case-N", "text"}`.
fn shape_lines() -> Vec<String> {
    SHAPES
        .iter()
        .enumerate()
        .map(|(i, s)| {
            serde_json::json!({"id": format!("case-{i}"), "text": judgment(i, *s)}).to_string()
        })
        .collect()
}

fn judgments_file(dir: &Path) -> std::path::PathBuf {
    let mut lines = shape_lines();
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
    let import = || {
        fincase(
            &[
                "archive",
                "import",
                file.to_str().unwrap(),
                "--index",
                "idx",
            ],
            tmp.path(),
        )
    };
    let o = import();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = stdout(&o);
    assert!(text.contains("imported 6 judgment(s)"), "{text}");
    assert!(
        text.contains("skipped 1 line(s)") && text.contains("line 4"),
        "{text}"
    );
    // Importing again replaces, never doubles.
    let o = import();
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

/// Cases of the query's case type come first: a bank's loan case whose text is nearly the
/// query's own stays behind the private-lending cases for a private complaint, and leads for a
/// bank's complaint.
#[test]
fn similar_cases_of_the_same_case_type_come_first() {
    let tmp = tempfile::tempdir().unwrap();
    let bank = |text: String| text.replace("张甲", "某某农村商业银行股份有限公司");
    let mut lines = shape_lines();
    // NAMES[6 % 6] is 张甲: the plaintiff of judgment 6 becomes a bank.
    lines.push(
        serde_json::json!({"id": "bank-case", "text": bank(judgment(6, SHAPES[0]))}).to_string(),
    );
    std::fs::write(tmp.path().join("j.jsonl"), lines.join("\n")).unwrap();
    let o = fincase(
        &["archive", "import", "j.jsonl", "--index", "idx"],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let top = |query: &str| -> Vec<String> {
        std::fs::write(tmp.path().join("q.txt"), query).unwrap();
        let o = fincase(
            &[
                "similar", "q.txt", "--index", "idx", "--limit", "7", "--json",
            ],
            tmp.path(),
        );
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
        v["cases"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["case"]["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let private = top(&facts_of(&judgment(12, SHAPES[0])));
    assert_eq!(private.len(), 7);
    assert_eq!(
        private.last().map(String::as_str),
        Some("bank-case"),
        "{private:?}"
    );
    let by_bank = top(&facts_of(&bank(judgment(
        6,
        Shape {
            amount: 310_000,
            ..SHAPES[0]
        },
    ))));
    assert_eq!(
        by_bank.first().map(String::as_str),
        Some("bank-case"),
        "{by_bank:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_archive_round_trips_on_every_backend() {
    common::on_every_backend(async |db| {
        let cases = common::judgments::archived();
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

fn request(
    method: &str,
    path: &str,
    token: &str,
    body: Option<serde_json::Value>,
) -> axum::http::Request<axum::body::Body> {
    let b = axum::http::Request::builder()
        .method(method)
        .uri(path)
        .header(axum::http::header::AUTHORIZATION, format!("Bearer {token}"));
    match body {
        Some(v) => b
            .header(axum::http::header::CONTENT_TYPE, "application/json")
            .body(axum::body::Body::from(v.to_string()))
            .unwrap(),
        None => b.body(axum::body::Body::empty()).unwrap(),
    }
}

/// Through the API: a bank's filing, processed by a worker, gets the archive's similar cases
/// with their decisions; once its judge approves the draft it joins the archive itself and is
/// never its own similar case.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_pushes_similar_cases_and_an_approved_filing_joins_the_archive() {
    use fincase::http::{AppState, ServiceConfig, issue_token, issue_token_as, router};
    use fincase::search::archive::{ArchiveIndex, archive_dir};
    use fincase::store::{Actor, Role, Store};
    use std::sync::Arc;

    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("index");
    let store = Store::open_sqlite(&index.join("cases.db")).await.unwrap();
    let archive = Arc::new(ArchiveIndex::open(&archive_dir(&index)).unwrap());
    let models = Path::new(env!("CARGO_MANIFEST_DIR")).join("models");
    let reranker = fincase::similar::Reranker::load_from(&models)
        .unwrap()
        .map(Arc::new);
    let state = AppState::new(store.clone(), &index, ServiceConfig::default())
        .with_archive(Arc::clone(&archive), reranker);
    let app = router(state);

    let cases = common::judgments::archived();
    store.archive_put(&cases).await.unwrap();
    archive
        .add_all(cases.iter().map(|c| (c.id.as_str(), c.facts.as_str())))
        .unwrap();

    // A generated (fictitious) filing whose court exists, so a judge of that court decides it.
    let filing = (0..40)
        .map(|i| fincase::fixtures::generate_one(2207, i).unwrap())
        .find(|g| g.gold.expected_flags.is_empty())
        .unwrap();
    let court_name = filing.gold.facts.court.clone().unwrap();
    let court = store
        .create_court(&court_name, &Actor::system())
        .await
        .unwrap()
        .unwrap();
    let judge = issue_token_as(
        &store,
        "court",
        Role::Judge,
        "王法官",
        Some(&court.id),
        &Actor::system(),
    )
    .await
    .unwrap();
    let bank = issue_token(&store, "bank-a", Role::Bank, "bank-a")
        .await
        .unwrap();
    let up = common::upload(&app, &bank, &[("a.pdf", filing.pdf.as_slice())]).await;
    assert_eq!(up.status, axum::http::StatusCode::ACCEPTED, "{}", up.text());
    let id = up.json()["filed"][0]["filing_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let worker = fincase::jobs::Worker::new(
        store.clone(),
        Arc::new(fincase::rules::RulesConfig::default()),
        fincase::jobs::WorkerConfig::new("w"),
    );
    while worker.step().await.unwrap() != fincase::jobs::Step::Idle {}

    let got = common::send(
        &app,
        request(
            "GET",
            &format!("/api/v1/filings/{id}/similar?limit=3"),
            &judge,
            None,
        ),
    )
    .await;
    assert_eq!(got.status, axum::http::StatusCode::OK, "{}", got.text());
    let v = got.json();
    assert_eq!(v["cases"].as_array().unwrap().len(), 3);
    assert_eq!(v["summary"]["cases"], 3);
    assert!(
        v["summary"]["zh"]
            .as_str()
            .unwrap()
            .starts_with("3 件类案中"),
        "{v}"
    );
    for c in v["cases"].as_array().unwrap() {
        assert!(c["case"]["decision"]["class"].is_string(), "{c}");
    }
    let bad = common::send(
        &app,
        request(
            "GET",
            &format!("/api/v1/filings/{id}/similar?limit=0"),
            &judge,
            None,
        ),
    )
    .await;
    assert_eq!(bad.status, axum::http::StatusCode::BAD_REQUEST);
    // The bank that filed it may ask too; another bank learns nothing.
    let other = issue_token(&store, "bank-b", Role::Bank, "bank-b")
        .await
        .unwrap();
    let own = common::send(
        &app,
        request("GET", &format!("/api/v1/filings/{id}/similar"), &bank, None),
    )
    .await;
    assert_eq!(own.status, axum::http::StatusCode::OK);
    let theirs = common::send(
        &app,
        request(
            "GET",
            &format!("/api/v1/filings/{id}/similar"),
            &other,
            None,
        ),
    )
    .await;
    assert_eq!(theirs.status, axum::http::StatusCode::NOT_FOUND);

    // Approval archives the filing (its approved draft read as a judgment).
    let ok = common::send(
        &app,
        request(
            "POST",
            &format!("/api/v1/filings/{id}/decision"),
            &judge,
            Some(serde_json::json!({"action": "approve"})),
        ),
    )
    .await;
    assert_eq!(ok.status, axum::http::StatusCode::OK, "{}", ok.text());
    assert_eq!(store.archive_count().await.unwrap(), 7);
    let mine = format!("fincase-{id}");
    let archived = store
        .archive_get(std::slice::from_ref(&mine))
        .await
        .unwrap();
    assert_eq!(archived.len(), 1);
    assert_eq!(archived[0].source, "fincase");
    assert!(
        archived[0].decision.awarded_principal.is_some(),
        "{:?}",
        archived[0].decision
    );
    assert_eq!(archive.len(), 7);
    let again = common::send(
        &app,
        request(
            "GET",
            &format!("/api/v1/filings/{id}/similar?limit=10"),
            &judge,
            None,
        ),
    )
    .await;
    let ids: Vec<String> = again.json()["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["case"]["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids.len(), 6);
    assert!(
        !ids.contains(&mine),
        "a filing is not its own similar case: {ids:?}"
    );
    store.close().await;
}
