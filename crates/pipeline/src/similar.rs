//! Similar cases, wired: the archive's BM25 ([`fincase_store::search::archive`]), the optional
//! dense encoder ([`fincase_core::ml::e5`]) and the legal-element re-ranker
//! ([`fincase_core::similar`]). Used by `fincase eval scm`, `fincase train similar`, and the
//! similar-case search.

use fincase_core::ml::MlError;
use fincase_core::ml::e5::E5;
use fincase_core::similar::archive::ArchivedCase;
use fincase_core::similar::scm::{
    Method, Pool, RerankConfig, Scored, Similarities, accuracy, cross_validate, fit_reranker,
    score_plain, score_reranker,
};
use fincase_core::similar::{CaseElements, Reranker, TextScores, pair_features};
use fincase_store::search::SearchError;
use fincase_store::search::archive::ArchiveIndex;
use serde::Serialize;

/// Errors of the similar-case wiring.
#[derive(Debug, thiserror::Error)]
pub enum SimilarError {
    /// The search index failed.
    #[error(transparent)]
    Search(#[from] SearchError),
    /// A model failed or is missing.
    #[error(transparent)]
    Ml(#[from] MlError),
    /// The case database failed.
    #[error(transparent)]
    Store(#[from] fincase_store::StoreError),
}

/// The BM25 of every text of the pool for every query text of a triplet (as the archive index
/// scores it: the pool is indexed in memory), each row divided by its best other text; and,
/// when `e5` is given, the texts' dense embeddings.
pub fn pool_similarities(pool: &Pool, e5: Option<&E5>) -> Result<Similarities, SimilarError> {
    let n = pool.texts.len();
    let index = ArchiveIndex::in_memory()?;
    let ids: Vec<String> = (0..n).map(|i| i.to_string()).collect();
    index.add_all(
        ids.iter()
            .map(String::as_str)
            .zip(pool.texts.iter().map(String::as_str)),
    )?;
    let mut bm25 = vec![vec![0.0f32; n]; n];
    let mut queries: Vec<usize> = pool.triplets.iter().map(|t| t.0).collect();
    queries.sort_unstable();
    queries.dedup();
    for q in queries {
        let hits = index.more_like(&pool.texts[q], n, Some(&ids[q]))?;
        let best = hits.first().map_or(1.0, |h| h.score.max(f32::MIN_POSITIVE));
        for h in hits {
            if let Ok(d) = h.case_id.parse::<usize>()
                && d < n
            {
                bm25[q][d] = h.score / best;
            }
        }
    }
    let dense = match e5 {
        Some(e5) => {
            let refs: Vec<&str> = pool.texts.iter().map(String::as_str).collect();
            Some(e5.embed(&refs)?)
        }
        None => None,
    };
    Ok(Similarities { bm25, dense })
}

/// One method's accuracy on a labelled file.
#[derive(Debug, Clone, Serialize)]
pub struct MethodScore {
    /// What was scored, in words.
    pub method: String,
    /// Triplets scored right.
    pub right: usize,
    /// Labelled triplets.
    pub labelled: usize,
    /// `right / labelled`.
    pub accuracy: f64,
    /// How the figure was obtained (trained on what, held out how).
    pub note: String,
}

fn method_score(pool: &Pool, s: &[Scored], method: &str, note: &str) -> Option<MethodScore> {
    let (right, labelled) = accuracy(pool, s)?;
    Some(MethodScore {
        method: method.to_owned(),
        right,
        labelled,
        accuracy: right as f64 / labelled as f64,
        note: note.to_owned(),
    })
}

/// Every method on a labelled pool: BM25 alone, dense alone, their rank fusion, the
/// re-ranker cross-validated (grouped by A, with and without dense) and `committed` as it is.
pub fn compare_methods(
    pool: &Pool,
    sims: &Similarities,
    committed: Option<&Reranker>,
) -> Result<Vec<MethodScore>, SimilarError> {
    let mut out = Vec::new();
    out.extend(method_score(
        pool,
        &score_plain(pool, sims, Method::Bm25),
        "BM25 alone (jieba words)",
        "no training",
    ));
    if sims.dense.is_some() {
        out.extend(method_score(
            pool,
            &score_plain(pool, sims, Method::Dense),
            "dense alone (multilingual-e5-small)",
            "no training",
        ));
    }
    out.extend(method_score(
        pool,
        &score_plain(pool, sims, Method::Hybrid),
        if sims.dense.is_some() {
            "hybrid: BM25 + dense, reciprocal rank fusion"
        } else {
            "BM25 ranks (fusion of one list)"
        },
        "no training",
    ));
    out.extend(method_score(
        pool,
        &score_plain(pool, sims, Method::Elements),
        "legal elements agreeing, unweighted (BM25 breaks ties)",
        "no training",
    ));
    let cfg = RerankConfig::default();
    for seed in [1, 2, 3] {
        let c = RerankConfig { seed, ..cfg };
        out.extend(method_score(
            pool,
            &cross_validate(pool, sims, &c)?,
            &format!("legal-element re-ranker over BM25, fold seed {seed}"),
            "5-fold cross-validation grouped by A (out of fold)",
        ));
    }
    out.extend(method_score(
        pool,
        &cross_validate(pool, sims, &cfg)?,
        "legal-element re-ranker over BM25",
        "5-fold cross-validation grouped by A (out of fold)",
    ));
    if sims.dense.is_some() {
        let cfg = RerankConfig { dense: true, ..cfg };
        out.extend(method_score(
            pool,
            &cross_validate(pool, sims, &cfg)?,
            "legal-element re-ranker over BM25 + dense",
            "5-fold cross-validation grouped by A (out of fold)",
        ));
    }
    if let Some(r) = committed
        && (!r.dense || sims.dense.is_some())
    {
        out.extend(method_score(
            pool,
            &score_reranker(pool, sims, r),
            "committed re-ranker (models/similar)",
            &format!("as committed; trained on: {}", r.trained_on),
        ));
    }
    Ok(out)
}

/// Trains the re-ranker on every labelled triplet of the pool, noting its cross-validated
/// accuracy in `trained_on`.
pub fn train_reranker(
    pool: &Pool,
    sims: &Similarities,
    cfg: &RerankConfig,
    source: &str,
) -> Result<(Reranker, MethodScore), SimilarError> {
    let cv = cross_validate(pool, sims, cfg)?;
    let score =
        method_score(pool, &cv, "re-ranker", "5-fold CV grouped by A").ok_or_else(|| {
            MlError::Data(
                "no labelled triplets to train on (use --swap-half for stage-1 files)".into(),
            )
        })?;
    let rows: Vec<usize> = (0..pool.triplets.len()).collect();
    let mut r = fit_reranker(pool, sims, &rows, cfg)?;
    r.trained_on = format!(
        "{source}: {} triplets, {} distinct texts; 5-fold CV grouped by A: {}/{} = {:.1} %",
        pool.triplets.len(),
        pool.texts.len(),
        score.right,
        score.labelled,
        100.0 * score.accuracy
    );
    Ok((r, score))
}

/// BM25 candidates read per query before re-ranking.
pub const CANDIDATES: usize = 100;

/// One similar decided case, best first.
#[derive(Debug, Clone, Serialize)]
pub struct SimilarCase {
    /// The archived case (facts, elements, decision).
    pub case: ArchivedCase,
    /// The re-ranker's score (higher is more similar; comparable within one answer).
    pub score: f32,
    /// BM25 of the case for the query, divided by the best candidate's.
    pub bm25: f32,
    /// The legal elements both cases have, in Chinese.
    pub shared_zh: Vec<String>,
}

/// What the similar cases decided, counted: the line a judge reads first.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SimilarSummary {
    /// Similar cases shown.
    pub cases: usize,
    /// Granted in full.
    pub full: usize,
    /// Granted in part.
    pub partial: usize,
    /// Rejected.
    pub rejected: usize,
    /// Principal awarded as claimed.
    pub principal_in_full: usize,
    /// Interest ordered at 24 % a year (the old protected ceiling).
    pub interest_at_24: usize,
    /// Guarantor or co-debtor held jointly liable.
    pub joint_liability: usize,
    /// The same in one Chinese sentence.
    pub zh: String,
}

/// Counts what `cases` decided.
pub fn summarize(cases: &[SimilarCase]) -> SimilarSummary {
    use fincase_core::backtest::orders::OutcomeClass;
    let mut s = SimilarSummary {
        cases: cases.len(),
        ..Default::default()
    };
    for c in cases {
        let d = &c.case.decision;
        match d.class {
            Some(OutcomeClass::Full) => s.full += 1,
            Some(OutcomeClass::Partial) => s.partial += 1,
            Some(OutcomeClass::Rejected) => s.rejected += 1,
            None => {}
        }
        s.principal_in_full += usize::from(d.principal_in_full());
        s.interest_at_24 += usize::from(d.interest_at_24());
        s.joint_liability += usize::from(d.joint_liability);
    }
    s.zh = if s.cases == 0 {
        "档案中没有可比的类案。".to_owned()
    } else {
        let mut parts = vec![format!(
            "{} 件类案中：{} 件全部支持，{} 件部分支持，{} 件驳回",
            s.cases, s.full, s.partial, s.rejected
        )];
        parts.push(format!("{} 件本金按诉请全额支持", s.principal_in_full));
        if s.interest_at_24 > 0 {
            parts.push(format!("{} 件利息按年利率24%计算", s.interest_at_24));
        }
        if s.joint_liability > 0 {
            parts.push(format!("{} 件判令连带清偿", s.joint_liability));
        }
        parts.join("；") + "。"
    };
    s
}

/// The decided cases most similar to `text` (a complaint or a case's facts): BM25
/// candidates from the archive index, re-ranked by their legal elements with `reranker`
/// (BM25 order when there is none), cases of the query's case type (民间借贷, 金融借款,
/// 信用卡) before the others. `except` leaves out the query's own archive entry.
pub async fn find_similar(
    store: &fincase_store::Store,
    index: &ArchiveIndex,
    reranker: Option<&Reranker>,
    text: &str,
    except: Option<&str>,
    limit: usize,
) -> Result<Vec<SimilarCase>, SimilarError> {
    let hits = index.more_like(text, CANDIDATES.max(limit), except)?;
    let best = hits.first().map_or(1.0, |h| h.score.max(f32::MIN_POSITIVE));
    let ids: Vec<String> = hits.iter().map(|h| h.case_id.clone()).collect();
    let query = CaseElements::read(text);
    let bm25: std::collections::HashMap<&str, f32> = hits
        .iter()
        .map(|h| (h.case_id.as_str(), h.score / best))
        .collect();
    // Re-rank the candidates by their elements, then read the whole records of the best.
    let mut ranked: Vec<(String, CaseElements, f32, f32)> = store
        .archive_elements(&ids)
        .await?
        .into_iter()
        .map(|(id, elements)| {
            let b = bm25.get(id.as_str()).copied().unwrap_or(0.0);
            let score = match reranker {
                Some(r) => r.score(&pair_features(
                    &query,
                    &elements,
                    TextScores {
                        bm25: b,
                        dense: None,
                    },
                )),
                None => b,
            };
            (id, elements, score, b)
        })
        .collect();
    let kind = query.case_type();
    let same_kind = |e: &CaseElements| e.case_type() == kind;
    ranked.sort_by(|a, b| {
        same_kind(&b.1)
            .cmp(&same_kind(&a.1))
            .then(b.2.total_cmp(&a.2))
            .then(a.0.cmp(&b.0))
    });
    ranked.truncate(limit);
    let top: Vec<String> = ranked.iter().map(|r| r.0.clone()).collect();
    let mut cases: std::collections::HashMap<String, ArchivedCase> = store
        .archive_get(&top)
        .await?
        .into_iter()
        .map(|c| (c.id.clone(), c))
        .collect();
    // `ranked` is in its final order and length; reading the rows keeps it.
    let out: Vec<SimilarCase> = ranked
        .into_iter()
        .filter_map(|(id, elements, score, b)| {
            let case = cases.remove(&id)?;
            let shared_zh = query
                .shared(&elements)
                .into_iter()
                .map(|e| e.zh().to_owned())
                .collect();
            Some(SimilarCase {
                case,
                score,
                bm25: b,
                shared_zh,
            })
        })
        .collect();
    Ok(out)
}

/// Brings the archive's index in line with the database when their counts differ (an approval
/// stored while the index could not be written, an index folder removed): every archived case
/// is indexed again (re-indexing replaces). Returns how many were indexed.
pub async fn reconcile_archive(
    store: &fincase_store::Store,
    index: &ArchiveIndex,
) -> Result<usize, SimilarError> {
    let stored = store.archive_count().await?;
    if u64::try_from(stored).unwrap_or(0) == index.len() {
        return Ok(0);
    }
    let all = store.archive_facts().await?;
    Ok(index.add_all(all.iter().map(|(id, facts)| (id.as_str(), facts.as_str())))?)
}
