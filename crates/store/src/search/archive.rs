//! The archive index: decided cases searched by their facts, for similar-case retrieval
//! (类案推送). One tantivy index of its own (`<home>/archive/`), beside the filings' index,
//! because its documents are decided cases (imported judgments and approved filings), not
//! filings under review, and its query is a whole case ("more like this"), not a few words.
//!
//! A query text is cut into jieba words; every distinct word of two or more characters (and
//! every number) becomes one optional term, and tantivy's BM25 sums them. Must not: rank by
//! legal elements (that is `fincase_core::similar`), or know the case database.

use super::{SearchError, register_tokenizers, tokenizer};
use std::collections::BTreeMap;
use std::path::Path;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::{
    Field, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions, Value,
};
use tantivy::tokenizer::TokenStream;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term, doc};

/// The archive index's folder inside an index home.
pub fn archive_dir(home: &Path) -> std::path::PathBuf {
    home.join("archive")
}

/// At most this many words of a query case are searched, the strongest by tf · idf. Measured
/// (BENCHMARKS.md, "Similar cases"): on CAIL2019-SCM, BM25 alone prefers the right case in 54.6 %
/// of triplets with 64 words and 59.1 % with all of them, and the re-ranker over it scores
/// 82.0 % either way; on 3,000 archived cases a BM25 query takes 3.4 ms with 64 words and 26 ms
/// with up to 400.
pub const MAX_QUERY_TERMS: usize = 64;

/// A word in more than this share of the archived cases is not searched…
pub const COMMON_SHARE: f64 = 0.1;
/// …unless it is in at most this many cases. With both, similar-case queries over 100,000
/// archived cases answer in p99 22 ms instead of 74 ms, and the re-ranker over the candidates
/// scores 81.4 % instead of 82.0 % on CAIL2019-SCM (two triplets; BENCHMARKS.md).
pub const COMMON_FLOOR: f64 = 50.0;

#[derive(Clone, Copy)]
struct Fields {
    case_id: Field,
    words: Field,
}

/// The archive's BM25 index.
pub struct ArchiveIndex {
    index: Index,
    reader: IndexReader,
    fields: Fields,
}

/// One candidate: the archived case's id and its BM25 score.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// The archived case.
    pub case_id: String,
    /// BM25 of the case for the query's words.
    pub score: f32,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let words = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(tokenizer::JIEBA)
            .set_index_option(IndexRecordOption::WithFreqs),
    );
    let fields = Fields {
        case_id: b.add_text_field("case_id", STRING | STORED),
        words: b.add_text_field("words", words),
    };
    (b.build(), fields)
}

impl ArchiveIndex {
    /// Opens the index in `dir`, creating it when absent.
    pub fn open(dir: &Path) -> Result<ArchiveIndex, SearchError> {
        let (schema, fields) = schema();
        Self::with_index(super::open_dir(dir, schema)?, fields)
    }

    /// An index held in memory (evaluation, tests).
    pub fn in_memory() -> Result<ArchiveIndex, SearchError> {
        let (schema, fields) = schema();
        Self::with_index(Index::create_in_ram(schema), fields)
    }

    fn with_index(index: Index, fields: Fields) -> Result<ArchiveIndex, SearchError> {
        register_tokenizers(&index);
        let reader = index
            .reader_builder()
            // Another process (`fincase archive import` beside `serve`) may commit: its
            // commits are seen within a second; this process's own reload at once.
            .reload_policy(ReloadPolicy::OnCommitWithDelay)
            .try_into()?;
        Ok(ArchiveIndex {
            index,
            reader,
            fields,
        })
    }

    /// Adds or replaces cases (`(id, facts text)`) and commits.
    pub fn add_all<'a>(
        &self,
        cases: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<usize, SearchError> {
        let mut w: IndexWriter = self.index.writer_with_num_threads(1, 64 * 1024 * 1024)?;
        let mut n = 0;
        for (id, text) in cases {
            w.delete_term(Term::from_field_text(self.fields.case_id, id));
            w.add_document(doc!(self.fields.case_id => id, self.fields.words => text))?;
            n += 1;
        }
        w.commit()?;
        self.reader.reload()?;
        Ok(n)
    }

    /// Merges every segment into one (after an import: a query then visits one segment, not
    /// one per commit; measured in BENCHMARKS.md, "Similar cases").
    pub fn merge_all(&self) -> Result<(), SearchError> {
        let mut w: IndexWriter = self.index.writer_with_num_threads(1, 64 * 1024 * 1024)?;
        let ids = self.index.searchable_segment_ids()?;
        if ids.len() > 1 {
            w.merge(&ids).wait()?;
        }
        w.wait_merging_threads()?;
        self.reader.reload()?;
        Ok(())
    }

    /// Number of archived cases.
    pub fn len(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// True when nothing is archived.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The search words of a text with their counts: jieba words of two or more characters,
    /// and numbers (single characters and punctuation carry little).
    pub fn words(&self, text: &str) -> Result<Vec<(String, u32)>, SearchError> {
        let mut analyzer = self.index.tokenizer_for_field(self.fields.words)?;
        let mut stream = analyzer.token_stream(text);
        let mut out: BTreeMap<String, u32> = BTreeMap::new();
        while stream.advance() {
            let t = &stream.token().text;
            if t.chars().count() >= 2 || t.chars().all(|c| c.is_ascii_digit()) {
                *out.entry(t.clone()).or_default() += 1;
            }
        }
        Ok(out.into_iter().collect())
    }

    /// The `limit` archived cases most like `text` by BM25, best first. `except` (the query
    /// case itself, when archived) is left out.
    pub fn more_like(
        &self,
        text: &str,
        limit: usize,
        except: Option<&str>,
    ) -> Result<Vec<Candidate>, SearchError> {
        let searcher = self.reader.searcher();
        let n = searcher.num_docs() as f64;
        // "More like this": the query case's words weighted by tf · idf; the strongest
        // MAX_QUERY_TERMS are searched (a word in every case ranks nothing and costs the most).
        // Words in more than a tenth of the archive (and in more than 50 cases) are left out:
        // they tell cases apart least and their postings cost the most.
        let common = (n * COMMON_SHARE).max(COMMON_FLOOR);
        let mut terms: Vec<(f64, Term)> = Vec::new();
        for (w, tf) in self.words(text)? {
            let term = Term::from_field_text(self.fields.words, &w);
            let df = searcher.doc_freq(&term)? as f64;
            if df > 0.0 && df <= common {
                let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
                terms.push((f64::from(tf).sqrt() * idf, term));
            }
        }
        terms.sort_by(|a, b| b.0.total_cmp(&a.0));
        terms.truncate(MAX_QUERY_TERMS);
        if terms.is_empty() {
            return Ok(Vec::new());
        }
        let clauses: Vec<(Occur, Box<dyn Query>)> = terms
            .into_iter()
            .map(|(_, t)| {
                (
                    Occur::Should,
                    Box::new(TermQuery::new(t, IndexRecordOption::WithFreqs)) as Box<dyn Query>,
                )
            })
            .collect();
        let q = BooleanQuery::new(clauses);
        let top = searcher.search(
            &q,
            &TopDocs::with_limit(limit.saturating_add(1).max(1)).order_by_score(),
        )?;
        let mut out = Vec::with_capacity(top.len());
        for (score, addr) in top {
            let d: TantivyDocument = searcher.doc(addr)?;
            let id = d
                .get_first(self.fields.case_id)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_owned();
            if except == Some(id.as_str()) {
                continue;
            }
            out.push(Candidate { case_id: id, score });
        }
        out.truncate(limit);
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_case_sharing_the_most_rare_words() {
        let idx = ArchiveIndex::in_memory().unwrap();
        idx.add_all([
            (
                "a",
                "被告向原告借款五万元，约定月利率百分之二，出具借条，保证人承担连带保证责任。",
            ),
            (
                "b",
                "原告与被告签订房屋租赁合同，被告拖欠租金，原告要求解除合同。",
            ),
            ("c", "被告以经营需要为由向原告借款，出具借条，到期未还。"),
        ])
        .unwrap();
        assert_eq!(idx.len(), 3);
        let hits = idx
            .more_like(
                "被告向原告借款，出具借条，保证人承担连带保证责任。",
                2,
                None,
            )
            .unwrap();
        assert_eq!(hits[0].case_id, "a");
        assert_eq!(hits.len(), 2);
        let hits = idx
            .more_like(
                "被告向原告借款，出具借条，保证人承担连带保证责任。",
                5,
                Some("a"),
            )
            .unwrap();
        assert!(hits.iter().all(|h| h.case_id != "a"));
        assert!(idx.more_like("？？", 5, None).unwrap().is_empty());
    }
}
