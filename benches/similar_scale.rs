//! Search and similar cases at scale (issue 22): N generated filings (default 100,000) indexed
//! on disk in the filings' full-text index and, as decided cases, in the case archive (SQLite
//! rows + its own tantivy index). Prints the build rates, the index sizes, p50/p99/max latency
//! of full-text queries and of similar-case queries (BM25 candidates from the archive, their
//! rows read, re-ranked by legal elements), and the process's peak memory.
//!
//! Not a criterion bench: one build of 100,000 documents takes minutes, so each figure is one
//! pass over 300 queries. Baselines in the same process: a one-word query (the least a search
//! does) beside the full queries, and the archive's BM25 alone beside the whole similar query.
//!
//! Usage: `cargo bench --bench similar_scale` (env `N`, `QUERIES`, `WORK`: a scratch folder,
//! default a temporary one; `REUSE=1` with a `WORK` an earlier run built queries it again
//! without building).

use fincase::domain::FilingStatus;
use fincase::search::archive::ArchiveIndex;
use fincase::search::{CaseIndex, IndexedCase};
use fincase::similar::archive::{ArchivedCase, Decision};
use fincase::similar::{CaseElements, Reranker};
use std::path::Path;
use std::time::Instant;

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn dir_size(p: &Path) -> u64 {
    std::fs::read_dir(p)
        .map(|rd| {
            rd.flatten()
                .map(|e| match e.metadata() {
                    Ok(m) if m.is_dir() => dir_size(&e.path()),
                    Ok(m) => m.len(),
                    Err(_) => 0,
                })
                .sum()
        })
        .unwrap_or(0)
}

/// Peak resident memory of this process (VmHWM), in MiB.
fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

fn percentiles(mut ms: Vec<f64>) -> String {
    ms.sort_by(f64::total_cmp);
    let at = |q: f64| ms[((ms.len() as f64 - 1.0) * q).round() as usize];
    format!(
        "p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms ({} queries)",
        at(0.5),
        at(0.99),
        at(1.0),
        ms.len()
    )
}

/// A party name from the first line that names the plaintiff.
fn party_name(t: &str) -> Option<String> {
    let l = t.lines().find(|l| l.contains("原告"))?;
    let name: String = l
        .split(['：', ':'])
        .nth(1)
        .unwrap_or("")
        .chars()
        .take_while(|c| !matches!(c, '，' | ',' | '。' | ' '))
        .collect();
    (name.chars().count() >= 2).then_some(name)
}

/// The text of generated filing `i`.
fn text(i: usize) -> String {
    fincase::fixtures::compose(20261207, i).pages.join("\n")
}

fn main() {
    let n = env_usize("N", 100_000);
    let queries = env_usize("QUERIES", 300);
    let tmp = tempfile::tempdir().unwrap();
    let work = std::env::var_os("WORK").map_or_else(|| tmp.path().to_path_buf(), Into::into);
    std::fs::create_dir_all(&work).unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();

    // Full-text index of the filings (as the follower writes it), in chunks of 2,000.
    let t = Instant::now();
    let fidx_dir = work.join("tantivy");
    let fidx = CaseIndex::open(&fidx_dir).unwrap();
    let archive = ArchiveIndex::open(&work.join("archive")).unwrap();
    let store = rt
        .block_on(fincase::store::Store::open_sqlite(&work.join("cases.db")))
        .unwrap();
    let mut t_text = 0.0;
    let mut t_fidx = 0.0;
    let mut t_archive = 0.0;
    let mut t_rows = 0.0;
    let chunk = 2_000;
    let mut names: Vec<String> = Vec::new();
    let reuse = std::env::var("REUSE").is_ok_and(|v| v == "1") && !archive.is_empty();
    let built = if reuse { 0 } else { n };
    if reuse {
        for i in 0..queries {
            names.extend(party_name(&text(i)));
        }
    }
    for start in (0..built).step_by(chunk) {
        let s = Instant::now();
        let texts: Vec<String> = (start..(start + chunk).min(n)).map(text).collect();
        t_text += s.elapsed().as_secs_f64();
        if names.len() < queries {
            names.extend(texts.iter().filter_map(|t| party_name(t)));
        }
        let s = Instant::now();
        let mut w = fidx.writer().unwrap();
        for (k, body) in texts.iter().enumerate() {
            w.upsert(&IndexedCase {
                filing_id: format!("f{}", start + k).into(),
                org: Some(format!("bank-{}", (start + k) % 7)),
                court: None,
                name: format!("f{}.pdf", start + k),
                title: format!("case {}", start + k),
                status: FilingStatus::Drafted,
                body: body.clone(),
            })
            .unwrap();
        }
        w.commit().unwrap();
        drop(w);
        t_fidx += s.elapsed().as_secs_f64();
        // The same texts as decided cases: rows with their elements, and the archive index.
        let s = Instant::now();
        let cases: Vec<ArchivedCase> = texts
            .iter()
            .enumerate()
            .map(|(k, body)| ArchivedCase {
                id: format!("a{}", start + k),
                source: "bench".into(),
                title: format!("case {}", start + k),
                elements: CaseElements::read(body),
                facts: body.clone(),
                decision: Decision::default(),
            })
            .collect();
        rt.block_on(store.archive_put(&cases)).unwrap();
        t_rows += s.elapsed().as_secs_f64();
        let s = Instant::now();
        archive
            .add_all(cases.iter().map(|c| (c.id.as_str(), c.facts.as_str())))
            .unwrap();
        t_archive += s.elapsed().as_secs_f64();
    }
    let build = t.elapsed().as_secs_f64();
    if reuse {
        println!(
            "N = {} archived cases, {} filings indexed (reused from {})",
            archive.len(),
            fidx.len(),
            work.display()
        );
    } else {
        println!(
            "N = {n} generated filings (seed 20261207), scratch {}",
            work.display()
        );
        println!("  generating the texts: {t_text:.1} s");
        println!(
            "  full-text index: {t_fidx:.1} s = {:.0} filings/s, {:.1} MiB on disk",
            n as f64 / t_fidx,
            dir_size(&fidx_dir) as f64 / 1048576.0
        );
        println!(
            "  archive rows (elements read + SQLite): {t_rows:.1} s = {:.0} cases/s, database {:.1} MiB",
            n as f64 / t_rows,
            dir_size(&work) as f64 / 1048576.0
                - dir_size(&fidx_dir) as f64 / 1048576.0
                - dir_size(&work.join("archive")) as f64 / 1048576.0
        );
        println!(
            "  archive index: {t_archive:.1} s = {:.0} cases/s, {:.1} MiB on disk",
            n as f64 / t_archive,
            dir_size(&work.join("archive")) as f64 / 1048576.0
        );
        println!("  whole build {build:.1} s");
    }

    if !reuse {
        // As `fincase archive import` does after its last chunk.
        let s = Instant::now();
        archive.merge_all().unwrap();
        println!(
            "archive merged into one segment: {:.1} s, {:.1} MiB on disk",
            s.elapsed().as_secs_f64(),
            dir_size(&work.join("archive")) as f64 / 1048576.0
        );
    }

    // Full-text queries: a party name, then a legal phrase with a name.
    let mut one = Vec::new();
    let mut full = Vec::new();
    for (k, name) in names.iter().take(queries).enumerate() {
        let s = Instant::now();
        let hits = fidx.search("借款", 20).unwrap();
        one.push(s.elapsed().as_secs_f64() * 1e3);
        assert!(!hits.is_empty());
        let q = if k % 2 == 0 {
            name.clone()
        } else {
            format!("{name} 连带清偿责任")
        };
        let s = Instant::now();
        let hits = fidx.search(&q, 20).unwrap();
        full.push(s.elapsed().as_secs_f64() * 1e3);
        assert!(!hits.is_empty(), "{q}");
    }
    println!(
        "full-text, one common word (baseline): {}",
        percentiles(one)
    );
    println!(
        "full-text, a party name or name + phrase, 20 hits with snippets: {}",
        percentiles(full)
    );

    // Similar cases for complaints not in the archive.
    let models = Path::new(env!("CARGO_MANIFEST_DIR")).join("models");
    let reranker = Reranker::load_from(&models).unwrap();
    let mut words = Vec::new();
    let mut bm25 = Vec::new();
    let mut whole = Vec::new();
    for q in 0..queries {
        let body = text(n + q);
        let s = Instant::now();
        assert!(!archive.words(&body).unwrap().is_empty());
        words.push(s.elapsed().as_secs_f64() * 1e3);
        let s = Instant::now();
        let c = archive.more_like(&body, 100, None).unwrap();
        bm25.push(s.elapsed().as_secs_f64() * 1e3);
        assert!(!c.is_empty());
        let s = Instant::now();
        let found = rt
            .block_on(fincase::pipeline::similar::find_similar(
                &store,
                &archive,
                reranker.as_ref(),
                &body,
                None,
                10,
            ))
            .unwrap();
        whole.push(s.elapsed().as_secs_f64() * 1e3);
        assert_eq!(found.len(), 10);
    }
    println!(
        "similar, archive BM25 candidates alone (100): {}",
        percentiles(bm25)
    );
    println!(
        "similar, whole query (BM25 100 → rows → elements re-rank → top 10): {}",
        percentiles(whole)
    );
    println!("peak memory (VmHWM) {:.0} MiB", peak_rss_mib());
    rt.block_on(store.close());
}
