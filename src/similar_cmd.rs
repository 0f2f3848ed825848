//! `fincase archive import` and `fincase similar`: the archive of decided cases and the
//! similar cases of a filing, from the command line.

use anyhow::{Context, Result, bail};
use fincase::pipeline::similar::{SimilarCase, find_similar, summarize};
use fincase::search::archive::{ArchiveIndex, archive_dir};
use fincase::similar::Reranker;
use fincase::similar::archive::{ArchivedCase, archive_id};
use fincase::store::Store;
use std::io::Write;
use std::path::Path;

/// Judgments stored and indexed per transaction.
const CHUNK: usize = 500;

async fn open_store(index: &Path, database: Option<&str>) -> Result<Store> {
    Ok(match database {
        Some(url) => Store::open_url(url).await?,
        None => {
            std::fs::create_dir_all(index)
                .with_context(|| format!("creating {}", index.display()))?;
            Store::open_sqlite(&index.join("cases.db")).await?
        }
    })
}

/// `fincase archive import FILE`: every judgment of FILE (JSON Lines as `fincase backtest`
/// reads them) split, order-parsed, stored and indexed. A line that is not a judgment is
/// reported and skipped; the rest are imported.
pub async fn archive_import(
    out: &mut impl Write,
    file: &Path,
    index: &Path,
    database: Option<&str>,
    rules: &fincase::rules::RulesConfig,
) -> Result<()> {
    let content =
        std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    let source = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut cases: Vec<ArchivedCase> = Vec::new();
    let mut skipped: Vec<String> = Vec::new();
    for (line, doc) in fincase::backtest::read_documents(&content) {
        match doc {
            Ok(doc) if doc.text.trim().is_empty() => {
                skipped.push(format!("line {line}: empty text"))
            }
            Ok(mut doc) => {
                doc.id = archive_id(&doc, line);
                cases.push(ArchivedCase::from_judgment(&doc, &source, rules));
            }
            Err(e) => skipped.push(e.to_string()),
        }
    }
    let store = open_store(index, database).await?;
    let archive = ArchiveIndex::open(&archive_dir(index))?;
    for chunk in cases.chunks(CHUNK) {
        store.archive_put(chunk).await?;
        archive.add_all(chunk.iter().map(|c| (c.id.as_str(), c.facts.as_str())))?;
    }
    // One segment: a query then visits one segment instead of one per chunk.
    archive.merge_all()?;
    let total = store.archive_count().await?;
    store.close().await;
    let read = cases.iter().filter(|c| c.decision.class.is_some()).count();
    writeln!(
        out,
        "imported {} judgment(s) from {} ({} with the decision read); the archive holds {} case(s) ({})",
        cases.len(),
        file.display(),
        read,
        total,
        archive_dir(index).display()
    )?;
    if !skipped.is_empty() {
        writeln!(out, "skipped {} line(s):", skipped.len())?;
        for s in skipped.iter().take(10) {
            writeln!(out, "  {s}")?;
        }
    }
    Ok(())
}

/// The query text of `fincase similar`: a filing id in the case index, a PDF (its text), or
/// any other file as UTF-8 text.
fn query_text(what: &str, index: &Path) -> Result<(String, Option<String>)> {
    let path = Path::new(what);
    if path.is_file() {
        let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
        if bytes.starts_with(b"%PDF") {
            let doc = fincase::ingest::read_pdf(&bytes)
                .with_context(|| format!("reading the PDF {}", path.display()))?;
            return Ok((doc.joined(), None));
        }
        let text = String::from_utf8(bytes)
            .with_context(|| format!("{} is neither a PDF nor UTF-8 text", path.display()))?;
        return Ok((text, None));
    }
    let dir = fincase::search::index_dir(index);
    if dir.exists() {
        let idx = fincase::search::CaseIndex::open(&dir)?;
        if let Some(body) = idx.body(&fincase::domain::FilingId::new(what))? {
            return Ok((body, None));
        }
    }
    bail!(
        "{what:?} is neither a file nor a filing id in {}",
        dir.display()
    )
}

/// `fincase similar FILE|ID`: the decided cases of the archive most like a complaint or a
/// filing, with what they decided.
pub async fn similar(
    out: &mut impl Write,
    what: &str,
    index: &Path,
    database: Option<&str>,
    limit: usize,
    json: bool,
) -> Result<()> {
    let dir = archive_dir(index);
    if !dir.exists() {
        bail!(
            "no archive at {} (run `fincase archive import FILE` first)",
            dir.display()
        );
    }
    let (text, except) = query_text(what, index)?;
    let store = open_store(index, database).await?;
    let archive = ArchiveIndex::open(&dir)?;
    let reranker = Reranker::load_from(&fincase::ml::Models::default_dir())?;
    let found = find_similar(
        &store,
        &archive,
        reranker.as_ref(),
        &text,
        except.as_deref(),
        limit,
    )
    .await?;
    store.close().await;
    let summary = summarize(&found);
    if json {
        writeln!(
            out,
            "{}",
            serde_json::json!({"summary": summary, "cases": found})
        )?;
        return Ok(());
    }
    writeln!(out, "{}", summary.zh)?;
    for (i, c) in found.iter().enumerate() {
        write_case(out, i + 1, c)?;
    }
    Ok(())
}

fn write_case(out: &mut impl Write, n: usize, c: &SimilarCase) -> Result<()> {
    let d = &c.case.decision;
    let money = |y: Option<fincase::domain::Yuan>| {
        y.map_or("未读取".to_owned(), |y| format!("{}元", y.grouped()))
    };
    writeln!(out, "{n:>2}. {}  [{}]", c.case.title, d.class_zh())?;
    writeln!(
        out,
        "    诉请本金 {}，判决本金 {}{}",
        money(d.claimed_principal),
        money(d.awarded_principal),
        d.awarded_rate
            .map(|r| format!("，利率 年{}%", r.percent().normalize()))
            .unwrap_or_default()
    )?;
    if !c.shared_zh.is_empty() {
        writeln!(out, "    共同要素：{}", c.shared_zh.join("、"))?;
    }
    if let Some(first) = d.orders.first() {
        writeln!(
            out,
            "    判决：{}",
            first.chars().take(80).collect::<String>()
        )?;
    }
    writeln!(out, "    编号 {}（来源 {}）", c.case.id, c.case.source)?;
    Ok(())
}
