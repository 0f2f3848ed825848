//! Draft boundary: generated filings → facts → rules → drafts in every format, checked by reading
//! them back (DOCX package and XML, PDF through our own reader), for determinism, and by
//! snapshots of the text.

use fincase::domain::{CaseFacts, DocumentText, Finding, Yuan};
use fincase::draft::{self, Draft, groups};
use fincase::rules::{DocumentKind, Outcome, RulesConfig, precheck, suggest};
use std::io::Read;

const SEED: u64 = 20261126;

/// One generated filing through extraction and rules, drafted.
fn drafted(index: usize) -> (CaseFacts, Vec<Finding>, Outcome, Draft) {
    let composed = fincase::fixtures::compose(SEED, index);
    let doc = DocumentText::from_pages(&composed.pages);
    let e = fincase::extract::extract(&format!("f{index}"), &doc);
    let cfg = RulesConfig::default();
    let mut findings = e.findings.clone();
    findings.extend(precheck(&e.facts, &cfg));
    let outcome = suggest(&e.facts, &findings, &cfg);
    let d = draft::render(&e.facts, &findings, &outcome).unwrap();
    (e.facts, findings, outcome, d)
}

/// Every amount of the outcome as a judgment prints it (awards, continuing-interest base, fee).
fn amounts(o: &Outcome) -> Vec<String> {
    let mut v: Vec<Yuan> = o
        .awards
        .iter()
        .map(|a| a.awarded)
        .filter(|a| !a.is_zero())
        .collect();
    v.push(o.court_fee.payable);
    if o.document == DocumentKind::PaymentOrder {
        v.push(o.total_awarded());
    }
    v.iter().map(|a| a.grouped()).collect()
}

/// The indices used by the format checks: a small-claims judgment with a guarantor, a partial
/// judgment with guarantors, a payment order, an ordinary-procedure judgment.
const CASES: [usize; 4] = [0, 5, 34, 1];

// ---------------------------------------------------------------- snapshots

/// The draft text with the versions line redacted (it changes with every release).
fn redacted(text: &str) -> String {
    text.lines()
        .map(|l| {
            if l.starts_with("模板版本：") {
                "[versions]"
            } else {
                l
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn draft_text_snapshots() {
    for (name, index) in [
        ("small_claims_with_guarantor", 0),
        ("partial_with_guarantors", 5),
        ("payment_order", 34),
        ("ordinary_procedure", 1),
    ] {
        let (_, _, _, d) = drafted(index);
        insta::assert_snapshot!(name, redacted(&d.text));
    }
}

// ---------------------------------------------------------------- versions

#[test]
fn drafts_record_their_versions() {
    let (_, _, o, d) = drafted(0);
    assert_eq!(d.template_version, draft::JUDGMENT_TEMPLATE);
    assert_eq!(d.rules_version, o.rules_version);
    assert_eq!(d.model_version, draft::EXTRACTOR_VERSION);
    for needle in [
        format!(
            "<meta name=\"fincase-template\" content=\"{}\">",
            d.template_version
        ),
        "<meta name=\"fincase-model\"".to_owned(),
    ] {
        assert!(d.html.contains(&needle), "{needle}");
    }
    assert!(
        d.text.contains(&format!(
            "模板版本：{}；规则版本：{}",
            d.template_version, o.rules_version
        )),
        "{}",
        d.text
    );
    let docx = unzip(&draft::to_docx(&d).unwrap(), "docProps/custom.xml");
    assert!(docx.contains(&d.template_version), "{docx}");
}

// ---------------------------------------------------------------- DOCX

fn unzip(bytes: &[u8], part: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip package");
    let mut f = zip.by_name(part).unwrap_or_else(|e| panic!("{part}: {e}"));
    let mut s = String::new();
    f.read_to_string(&mut s).unwrap();
    s
}

/// A small well-formedness check: one root, tags balanced and properly nested, attribute values
/// quoted, no stray `<` or `&` in text. Returns the text content (entities decoded).
fn check_xml(xml: &str) -> String {
    let b = xml.as_bytes();
    let mut i = 0;
    let mut stack: Vec<&str> = Vec::new();
    let mut roots = 0;
    let mut text = String::new();
    while i < b.len() {
        if b[i] == b'<' {
            if xml[i..].starts_with("<?") {
                i += xml[i..].find("?>").expect("unterminated <?") + 2;
                continue;
            }
            if xml[i..].starts_with("<!--") {
                i += xml[i..].find("-->").expect("unterminated comment") + 3;
                continue;
            }
            // Scan to the closing '>' outside quotes.
            let start = i + 1;
            let mut j = start;
            let mut quote: Option<u8> = None;
            while j < b.len() {
                match (quote, b[j]) {
                    (None, b'"' | b'\'') => quote = Some(b[j]),
                    (Some(q), c) if c == q => quote = None,
                    (Some(_), b'<') => panic!("'<' inside an attribute at {j}"),
                    (None, b'>') => break,
                    _ => {}
                }
                j += 1;
            }
            assert!(j < b.len(), "unterminated tag at {i}");
            let tag = &xml[start..j];
            i = j + 1;
            let self_closing = tag.ends_with('/');
            let closing = tag.starts_with('/');
            let name = tag
                .trim_start_matches('/')
                .trim_end_matches('/')
                .split(|c: char| c.is_whitespace())
                .next()
                .unwrap();
            assert!(!name.is_empty(), "empty tag name at {i}");
            // Attributes: name="value" pairs.
            let attrs = tag[tag.find(name).unwrap() + name.len()..].trim_end_matches('/');
            let mut rest = attrs.trim();
            while !rest.is_empty() {
                let eq = rest
                    .find('=')
                    .unwrap_or_else(|| panic!("attribute without value in <{tag}>"));
                let q = rest[eq + 1..].chars().next().expect("value");
                assert!(q == '"' || q == '\'', "unquoted attribute in <{tag}>");
                let end = rest[eq + 2..].find(q).expect("closing quote") + eq + 2;
                rest = rest[end + 1..].trim_start();
            }
            if closing {
                assert_eq!(stack.pop(), Some(name), "mismatched </{name}>");
            } else if !self_closing {
                if stack.is_empty() {
                    roots += 1;
                }
                stack.push(name);
            } else if stack.is_empty() {
                roots += 1;
            }
        } else {
            let next = xml[i..].find('<').map_or(b.len(), |n| i + n);
            let chunk = &xml[i..next];
            for (k, _) in chunk.match_indices('&') {
                let ent = &chunk[k..];
                assert!(
                    ["&amp;", "&lt;", "&gt;", "&quot;", "&apos;", "&#"]
                        .iter()
                        .any(|e| ent.starts_with(e)),
                    "bad entity {}",
                    &ent[..ent.len().min(10)]
                );
            }
            if !stack.is_empty() {
                text.push_str(chunk);
            }
            i = next;
        }
    }
    assert!(stack.is_empty(), "unclosed {stack:?}");
    assert_eq!(roots, 1, "exactly one root element");
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

#[test]
fn xml_checker_rejects_broken_xml() {
    for bad in [
        "<a><b></a></b>",
        "<a>",
        "<a x=1/>",
        "<a>&foo;</a>",
        "<a/><b/>",
    ] {
        let r = std::panic::catch_unwind(|| check_xml(bad));
        assert!(r.is_err(), "accepted {bad}");
    }
    assert_eq!(
        check_xml("<?xml version=\"1.0\"?><a x=\"1\"><b/>x &amp; y</a>"),
        "x & y"
    );
}

#[test]
fn docx_is_a_valid_package_with_every_amount() {
    for index in CASES {
        let (_, _, o, d) = drafted(index);
        let bytes = draft::to_docx(&d).unwrap();
        for part in ["[Content_Types].xml", "_rels/.rels", "word/styles.xml"] {
            check_xml(&unzip(&bytes, part));
        }
        let xml = unzip(&bytes, "word/document.xml");
        let text = check_xml(&xml);
        for a in amounts(&o) {
            assert!(text.contains(&a), "f{index}: {a} missing from document.xml");
        }
        // Layout: A4, East Asian fonts, centred headings, indented body, right-aligned signatures.
        for needle in [
            "w:w=\"11906\"",
            "w:h=\"16838\"",
            "w:eastAsia=\"仿宋\"",
            "w:eastAsia=\"黑体\"",
            "<w:jc w:val=\"center\"",
            "<w:jc w:val=\"right\"",
            "w:firstLine=\"560\"",
        ] {
            assert!(xml.contains(needle), "f{index}: {needle} missing");
        }
        let body_start = text.find("判决如下").or_else(|| text.find("支付令如下"));
        assert!(
            d.kind != DocumentKind::Judgment || body_start.is_some(),
            "f{index}: no 判决如下"
        );
        if d.kind == DocumentKind::Judgment {
            assert!(
                text.contains("一、被告"),
                "f{index}: operative items not numbered"
            );
        }
    }
}

/// When LibreOffice is installed, it must convert the DOCX to PDF (it is not installed in CI).
#[test]
fn libreoffice_converts_the_docx_when_installed() {
    let Some(office) = ["soffice", "libreoffice"].into_iter().find(|b| {
        std::process::Command::new(b)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    }) else {
        println!("note: LibreOffice not on PATH; DOCX → PDF conversion not checked");
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let (_, _, _, d) = drafted(0);
    let path = tmp.path().join("draft.docx");
    std::fs::write(&path, draft::to_docx(&d).unwrap()).unwrap();
    let status = std::process::Command::new(office)
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(tmp.path())
        .arg(&path)
        .status()
        .unwrap();
    assert!(status.success());
    let pdf = std::fs::read(tmp.path().join("draft.pdf")).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
}

// ---------------------------------------------------------------- PDF

#[test]
fn pdf_round_trip_recovers_every_amount() {
    for index in CASES {
        let (_, _, o, d) = drafted(index);
        let bytes = draft::to_pdf(&d).unwrap();
        let doc = fincase::ingest::read_pdf(&bytes).unwrap();
        assert!(doc.pages.len() >= 2, "f{index}: body and appendix pages");
        let text = doc.joined();
        let flat: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        for a in amounts(&o) {
            assert!(
                flat.contains(&a),
                "f{index}: {a} not read back from the PDF:\n{text}"
            );
        }
        for needle in ["本院认为", "第1页"] {
            if d.kind == DocumentKind::PaymentOrder && needle == "本院认为" {
                continue;
            }
            assert!(flat.contains(needle), "f{index}: {needle} not read back");
        }
        // Every line of the body text is found in the PDF, in order, once wrapping is undone.
        let want: String = d
            .text
            .lines()
            .take_while(|l| !l.starts_with("附："))
            .collect::<String>()
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        let got: String = flat.split("第1页").next().unwrap_or_default().to_owned();
        let want_prefix: String = want.chars().take(200).collect();
        assert!(
            got.starts_with(&want_prefix),
            "f{index}: first page differs\nwant {want_prefix}\ngot  {}",
            got.chars().take(200).collect::<String>()
        );
    }
}

#[test]
fn a_character_outside_the_font_is_an_error_not_a_panic() {
    let (mut facts, findings, outcome, _) = drafted(0);
    if let Some(d) = facts.defendants.first_mut() {
        d.name = "王喆".into();
    }
    let d = draft::render(&facts, &findings, &outcome).unwrap();
    match draft::to_pdf(&d) {
        Err(draft::DraftError::Unencodable { chars }) => assert_eq!(chars, "喆"),
        other => panic!("expected Unencodable, got {:?}", other.map(|b| b.len())),
    }
    // The other formats are unaffected.
    assert!(unzip(&draft::to_docx(&d).unwrap(), "word/document.xml").contains("王喆"));
}

// ---------------------------------------------------------------- determinism

#[test]
fn every_format_is_byte_identical_on_rerun_and_across_threads() {
    let first: Vec<(String, Vec<u8>, Vec<u8>)> = CASES
        .iter()
        .map(|&i| {
            let (_, _, _, d) = drafted(i);
            (
                d.html.clone(),
                draft::to_docx(&d).unwrap(),
                draft::to_pdf(&d).unwrap(),
            )
        })
        .collect();
    // Again, on other threads, in reverse order, after other documents were made on them.
    let handles: Vec<_> = CASES
        .iter()
        .rev()
        .map(|&i| {
            std::thread::spawn(move || {
                let (_, _, _, other) = drafted(i + 1);
                let _ = draft::to_docx(&other);
                let (_, _, _, d) = drafted(i);
                (
                    d.html.clone(),
                    draft::to_docx(&d).unwrap(),
                    draft::to_pdf(&d).unwrap(),
                )
            })
        })
        .collect();
    let mut again: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    again.reverse();
    for (i, (a, b)) in first.iter().zip(&again).enumerate() {
        assert!(a.0 == b.0, "case {i}: HTML differs");
        assert!(a.1 == b.1, "case {i}: DOCX differs");
        assert!(a.2 == b.2, "case {i}: PDF differs");
    }
}

// ---------------------------------------------------------------- 多案联审

#[test]
fn groups_collect_same_structure_outcomes_deterministically() {
    let entries: Vec<_> = (0..40)
        .filter_map(|i| {
            // One bank's batch: the same plaintiff on every filing.
            let (mut f, _, o, _) = drafted(i);
            if let Some(p) = f.plaintiff.as_mut() {
                p.name = "某某银行股份有限公司".into();
            }
            groups::group_entry(
                &format!("f{i:05}"),
                &format!("filings/f{i:05}/draft.html"),
                &f,
                &o,
            )
        })
        .collect();
    assert_eq!(entries.len(), 40);
    let sheet = groups::group_filings(entries.clone());
    let mut shuffled = entries.clone();
    shuffled.reverse();
    assert_eq!(groups::group_filings(shuffled), sheet, "order-independent");
    assert_eq!(sheet.filings, 40);
    let grouped: usize = sheet
        .plaintiffs
        .iter()
        .flat_map(|p| &p.groups)
        .map(|g| g.filings.len())
        .sum();
    assert_eq!(grouped, 40);
    // Within a group every filing has the same key; across groups of a plaintiff keys differ.
    let key_of = |name: &str| {
        entries
            .iter()
            .find(|(_, e)| e.name == name)
            .map(|(k, _)| k.clone())
            .unwrap()
    };
    for p in &sheet.plaintiffs {
        let mut seen = std::collections::HashSet::new();
        for g in &p.groups {
            let k = key_of(&g.representative);
            assert!(
                seen.insert(k.structure.clone()),
                "two groups with one structure"
            );
            for f in &g.filings {
                assert_eq!(key_of(&f.name), k);
            }
            assert_eq!(
                g.awarded_total,
                g.filings.iter().map(|f| f.awarded_total).sum::<Yuan>()
            );
        }
    }
    assert!(
        sheet
            .plaintiffs
            .iter()
            .any(|p| p.groups.iter().any(|g| g.filings.len() > 1)),
        "some alike cases are grouped"
    );
    let html = groups::groups_html(&sheet).unwrap();
    assert!(html.contains("多案联审汇总表"));
    // minijinja escapes `/` in attributes; browsers decode it.
    assert!(
        html.replace("&#x2f;", "/")
            .contains("href=\"filings/f00000/draft.html\""),
        "{html}"
    );
    assert_eq!(groups::groups_html(&sheet).unwrap(), html);
}

// ---------------------------------------------------------------- pipeline

/// `process_batch` writes the four formats per drafted filing and the group sheet.
#[test]
fn pipeline_writes_every_format_and_the_group_sheet() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    fincase::fixtures::write_batch(&input, 11, 12).unwrap();
    let out = tmp.path().join("out");
    let mut opts = fincase::pipeline::ProcessOptions::new(&out, &tmp.path().join("index"));
    opts.progress = false;
    let summary = fincase::pipeline::process_batch(&input, &opts).unwrap();
    let drafted = summary
        .by_status
        .get(&fincase::pipeline::FilingStatus::Drafted)
        .copied()
        .unwrap_or(0);
    assert!(drafted > 0);
    let mut with_pdf = 0;
    for e in std::fs::read_dir(out.join("filings")).unwrap() {
        let dir = e.unwrap().path();
        if !dir.join("draft.html").exists() {
            assert!(!dir.join("group.json").exists());
            continue;
        }
        for f in ["draft.txt", "draft.docx", "group.json"] {
            assert!(dir.join(f).exists(), "{}: {f}", dir.display());
        }
        if dir.join("draft.pdf").exists() {
            with_pdf += 1;
        } else {
            let why = std::fs::read_to_string(dir.join("draft.errors.txt")).unwrap();
            assert!(why.contains("pdf"), "{why}");
        }
    }
    assert_eq!(
        with_pdf, drafted,
        "the generator's characters are all in the font"
    );
    let sheet: groups::GroupSheet =
        serde_json::from_slice(&std::fs::read(out.join("groups.json")).unwrap()).unwrap();
    assert_eq!(sheet.filings, drafted);
    let html = std::fs::read_to_string(out.join("groups.html")).unwrap();
    assert!(html.contains("多案联审汇总表"));
}

// ---------------------------------------------------------------- source links

/// One generated filing drafted with its provenance, as the pipeline does.
fn drafted_with(index: usize, opts: draft::DraftOptions) -> (Outcome, Draft, Draft) {
    let composed = fincase::fixtures::compose(SEED, index);
    let doc = DocumentText::from_pages(&composed.pages);
    let e = fincase::extract::extract(&format!("f{index}"), &doc);
    let cfg = RulesConfig::default();
    let mut findings = e.findings.clone();
    findings.extend(precheck(&e.facts, &cfg));
    let outcome = suggest(&e.facts, &findings, &cfg);
    let plain = draft::render(&e.facts, &findings, &outcome).unwrap();
    let opts = draft::DraftOptions {
        provenance: Some(e.provenance.clone()),
        ..opts
    };
    let linked = draft::render_with(&e.facts, &findings, &outcome, &opts).unwrap();
    (outcome, plain, linked)
}

#[test]
fn figures_link_to_their_source_span_and_the_signed_text_is_unchanged() {
    for index in CASES {
        let composed = fincase::fixtures::compose(SEED, index);
        let doc = DocumentText::from_pages(&composed.pages);
        let e = fincase::extract::extract(&format!("f{index}"), &doc);
        let (_, plain, linked) = drafted_with(index, draft::DraftOptions::default());
        let span = e
            .provenance
            .get("claims.principal")
            .expect("principal has provenance");
        // The figure's link: page and span as data, the page as text.
        let link = format!(
            "<a class=\"src\" href=\"#src-claims.principal\" data-page=\"{}\" data-start=\"{}\" data-end=\"{}\">第{}页</a>",
            span.page, span.start, span.end, span.page
        );
        assert!(linked.html.contains(&link), "{index}: {}", linked.html);
        // The appendix entry the link points to, quoting the filing.
        assert!(
            linked.html.contains("<li id=\"src-claims.principal\""),
            "{index}"
        );
        assert!(
            linked.html.contains(&format!("原文“{}”", span.text)),
            "{index}"
        );
        // The quoted span is the page's text at start..end (chars; line breaks aside).
        let page: String = doc.pages[span.page as usize - 1]
            .text
            .chars()
            .skip(span.start as usize)
            .take((span.end - span.start) as usize)
            .filter(|c| !c.is_whitespace())
            .collect();
        let quoted: String = span.text.chars().filter(|c| !c.is_whitespace()).collect();
        assert_eq!(page, quoted, "{index}");
        // Still linked to the trail too.
        assert!(linked.html.contains("href=\"#trail-principal\""), "{index}");
        // Review-only: text, DOCX and PDF do not change.
        assert_eq!(linked.text, plain.text, "{index}");
        assert_eq!(linked.blocks(), plain.blocks(), "{index}");
        assert!(!plain.html.contains("class=\"src\""), "{index}");
    }
}

// ---------------------------------------------------------------- template overrides

#[test]
fn a_court_overrides_the_judgment_template_and_the_draft_records_it() {
    let dir = tempfile::tempdir().unwrap();
    let builtin = include_str!("../crates/core/src/draft/templates/judgment.v3.html.j2");
    let custom = builtin.replace(
        "<h2>民事判决书</h2>",
        "<h2>民事判决书（西湖区法院样式）</h2>",
    );
    let path = dir.path().join("judgment.xihu.v1.html.j2");
    std::fs::write(&path, &custom).unwrap();
    std::fs::write(dir.path().join("README.txt"), "not a template").unwrap();
    let set = std::sync::Arc::new(draft::TemplateSet::load(dir.path()).unwrap());
    assert_eq!(set.overrides.len(), 1);
    assert_eq!(set.overrides[0].replaces, draft::JUDGMENT_TEMPLATE);
    let opts = draft::DraftOptions {
        templates: Some(set.clone()),
        ..Default::default()
    };
    // A judgment uses the override …
    let (_, plain, d) = drafted_with(0, opts.clone());
    assert_eq!(plain.kind, DocumentKind::Judgment);
    assert!(
        d.text.contains("民事判决书（西湖区法院样式）"),
        "{}",
        d.text
    );
    assert!(
        d.template_version
            .starts_with("judgment.xihu.v1.html.j2 override sha256:"),
        "{}",
        d.template_version
    );
    assert!(
        d.text
            .contains(&format!("模板版本：{}", d.template_version))
    );
    let docx = unzip(&draft::to_docx(&d).unwrap(), "docProps/custom.xml");
    assert!(docx.contains("judgment.xihu.v1.html.j2"), "{docx}");
    // … and the hash follows the content.
    std::fs::write(&path, custom.replace("样式", "样式二")).unwrap();
    let other = draft::TemplateSet::load(dir.path()).unwrap();
    assert_ne!(other.overrides[0].sha256, set.overrides[0].sha256);
    // A payment order has no override: the built-in template.
    let (_, _, po) = drafted_with(34, opts);
    assert_eq!(po.kind, DocumentKind::PaymentOrder);
    assert_eq!(po.template_version, draft::PAYMENT_ORDER_TEMPLATE);
}

#[test]
fn bad_template_folders_are_refused_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("verdict.v1.html.j2"), "x").unwrap();
    let e = draft::TemplateSet::load(dir.path())
        .unwrap_err()
        .to_string();
    assert!(e.contains("verdict.v1.html.j2"), "{e}");
    std::fs::remove_file(dir.path().join("verdict.v1.html.j2")).unwrap();
    std::fs::write(dir.path().join("judgment.a.html.j2"), "{% if %}").unwrap();
    let e = draft::TemplateSet::load(dir.path())
        .unwrap_err()
        .to_string();
    assert!(e.contains("judgment.a.html.j2"), "{e}");
    std::fs::write(dir.path().join("judgment.a.html.j2"), "ok").unwrap();
    std::fs::write(dir.path().join("judgment.b.html.j2"), "ok").unwrap();
    let e = draft::TemplateSet::load(dir.path())
        .unwrap_err()
        .to_string();
    assert!(e.contains("second override"), "{e}");
    assert!(draft::TemplateSet::load(&dir.path().join("missing")).is_err());
}
