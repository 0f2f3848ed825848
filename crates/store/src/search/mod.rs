//! `search`: the tantivy full-text index of processed filings.
//!
//! Owns the index schema, the Chinese-aware analysis ([`tokenizer`]) and queries with
//! highlighted snippets. It stores only what a hit list needs (id, title, status, snippet
//! source); the case database (`store`) stays the system of record, and the index can be
//! rebuilt from it. Must not: parse PDFs, compute facts, or know about HTTP.
//!
//! Invariant: one writer per index directory. `CaseIndex::open` takes tantivy's writer lock
//! only when [`CaseIndex::writer`] is called, so any number of readers may search while the
//! single `process` run (or, in the service, the single [`follow::Follower`]) writes.

pub mod archive;
pub mod follow;
pub mod tokenizer;

use fincase_core::domain::{CourtId, FilingId, FilingStatus};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, Occur, Query, QueryParser, TermQuery};
use tantivy::schema::{
    Field, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions, Value,
};
use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::{LowerCaser, TextAnalyzer};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term, doc};

/// Segments larger than this are not merged again. A batch commits every chunk (256 filings)
/// and the follower every 500 changes, so eight commits merge once into a final segment of
/// 2,000–4,000 filings: an index of n filings keeps about n / 2,000 segments (a query visits
/// each; 50 segments for 100,000 filings) and no merge ever reads more than ~4,000 documents.
pub const MERGE_INPUT_MAX_DOCS: usize = 2_000;

/// Errors of the search index.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// The index directory could not be created or opened.
    #[error("cannot open the case index at {path}: {source}")]
    Open {
        /// Index directory.
        path: String,
        /// Cause.
        source: tantivy::TantivyError,
    },
    /// The query could not be parsed.
    #[error("cannot understand the query: {0}")]
    Query(#[from] tantivy::query::QueryParserError),
    /// Any other index failure.
    #[error("case index failure: {0}")]
    Index(#[from] tantivy::TantivyError),
    /// Filesystem failure.
    #[error("case index IO failure: {0}")]
    Io(#[from] std::io::Error),
}

/// The search index's folder inside an index home (`<home>/tantivy`): one index, written by
/// whoever follows the case database ([`follow::Follower`]: `fincase serve`, or a command-line
/// batch while no service holds it) and read by the service and `fincase search` alike.
pub fn index_dir(home: &std::path::Path) -> std::path::PathBuf {
    home.join("tantivy")
}

impl SearchError {
    /// True when another process (a running `fincase serve`) holds the index's writer lock.
    pub fn is_locked(&self) -> bool {
        matches!(
            self,
            SearchError::Index(tantivy::TantivyError::LockFailure(..))
                | SearchError::Open {
                    source: tantivy::TantivyError::LockFailure(..),
                    ..
                }
        )
    }
}

/// What the index holds for one filing.
#[derive(Debug, Clone)]
pub struct IndexedCase {
    /// Filing id (content hash prefix).
    pub filing_id: FilingId,
    /// The organisation that filed it (`None`: a command-line batch); searches can be
    /// limited to one organisation ([`CaseIndex::search_in`]).
    pub org: Option<String>,
    /// The court the filing is for, once known; searches can be limited to one court.
    pub court: Option<CourtId>,
    /// Original file name in the batch.
    pub name: String,
    /// One-line title: 原告 诉 被告 案由.
    pub title: String,
    /// Processing status.
    pub status: FilingStatus,
    /// The filing's full text (all pages).
    pub body: String,
}

/// Which filings a search may return (the caller's tenancy, decided by `http`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchScope<'a> {
    /// Every filing.
    All,
    /// The filings of one organisation.
    Org(&'a str),
    /// The filings for one court.
    Court(&'a CourtId),
}

/// A filing's one-line title for hit lists: 原告 诉 被告、被告 案由.
pub fn case_title(facts: &fincase_core::domain::CaseFacts) -> String {
    let plaintiff = facts
        .plaintiff
        .as_ref()
        .map_or("（原告不明）", |p| p.name.as_str());
    let defendants: Vec<&str> = facts.defendants.iter().map(|d| d.name.as_str()).collect();
    let cause = facts.case_type.map_or("", |c| c.cause_of_action());
    format!("{plaintiff} 诉 {} {cause}", defendants.join("、"))
}

/// One search hit.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Hit {
    /// Filing id.
    pub filing_id: FilingId,
    /// The organisation that filed it (`None`: a command-line batch).
    pub org: Option<String>,
    /// The court the filing is for, when known.
    pub court: Option<CourtId>,
    /// Original file name.
    pub name: String,
    /// Title line.
    pub title: String,
    /// Status (`None`: one this build does not know, from an index written by a newer one).
    pub status: Option<FilingStatus>,
    /// BM25 score.
    pub score: f32,
    /// Snippet with matches wrapped in `<b>…</b>` (HTML-escaped text).
    pub snippet_html: String,
}

#[derive(Clone, Copy)]
struct Fields {
    filing_id: Field,
    org: Field,
    court: Field,
    name: Field,
    title: Field,
    status: Field,
    body: Field,
    body_words: Field,
}

/// Opens the tantivy index of `schema` in `dir`, creating it (and the directory) when absent.
pub(crate) fn open_dir(dir: &Path, schema: Schema) -> Result<Index, SearchError> {
    std::fs::create_dir_all(dir)?;
    let mmap = tantivy::directory::MmapDirectory::open(dir).map_err(|e| SearchError::Open {
        path: dir.display().to_string(),
        source: e.into(),
    })?;
    Index::open_or_create(mmap, schema).map_err(|source| SearchError::Open {
        path: dir.display().to_string(),
        source: match source {
            // An index written by an older version: it is derived data, rebuilt from the
            // case database (or by processing the batch again) once the folder is removed.
            tantivy::TantivyError::SchemaError(m) => tantivy::TantivyError::SchemaError(format!(
                "{m} It was written by an older fincase: remove the folder to rebuild it"
            )),
            other => other,
        },
    })
}

/// The on-disk (or in-memory) case index.
pub struct CaseIndex {
    index: Index,
    reader: IndexReader,
    /// Set by [`CaseWriter::commit`]: the reader is reloaded before the next read, not after
    /// every commit (a batch commits every chunk and never searches; a reloaded reader keeps
    /// every segment's readers open). Shared with the writer, which may outlive a borrow.
    stale: Arc<AtomicBool>,
    fields: Fields,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let bigram = TextOptions::default()
        .set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(tokenizer::BIGRAM)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
        .set_stored();
    let words = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(tokenizer::JIEBA)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let fields = Fields {
        filing_id: b.add_text_field("filing_id", STRING | STORED),
        org: b.add_text_field("org", STRING | STORED),
        court: b.add_text_field("court", STRING | STORED),
        name: b.add_text_field("name", STORED),
        title: b.add_text_field("title", bigram.clone()),
        status: b.add_text_field("status", STRING | STORED),
        body: b.add_text_field("body", bigram),
        body_words: b.add_text_field("body_words", words),
    };
    (b.build(), fields)
}

pub(crate) fn register_tokenizers(index: &Index) {
    index
        .tokenizers()
        .register(tokenizer::BIGRAM, tokenizer::BigramTokenizer);
    index.tokenizers().register(
        tokenizer::JIEBA,
        TextAnalyzer::builder(tantivy_jieba::JiebaTokenizer::new())
            .filter(LowerCaser)
            .build(),
    );
}

impl CaseIndex {
    /// Opens the index in `dir`, creating it (and the directory) when absent.
    pub fn open(dir: &Path) -> Result<CaseIndex, SearchError> {
        let (schema, fields) = schema();
        Self::with_index(open_dir(dir, schema)?, fields)
    }

    /// An index held in memory (tests, benches).
    pub fn in_memory() -> Result<CaseIndex, SearchError> {
        let (schema, fields) = schema();
        Self::with_index(Index::create_in_ram(schema), fields)
    }

    fn with_index(index: Index, fields: Fields) -> Result<CaseIndex, SearchError> {
        register_tokenizers(&index);
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(CaseIndex {
            index,
            reader,
            stale: Arc::new(AtomicBool::new(false)),
            fields,
        })
    }

    /// A searcher that sees every commit made through this index's writer.
    fn searcher(&self) -> Result<tantivy::Searcher, SearchError> {
        if self.stale.swap(false, Ordering::AcqRel)
            && let Err(e) = self.reader.reload()
        {
            self.stale.store(true, Ordering::Release);
            return Err(e.into());
        }
        Ok(self.reader.searcher())
    }

    /// The single writer of this index (takes the directory lock until dropped).
    pub fn writer(&self) -> Result<CaseWriter, SearchError> {
        let writer: IndexWriter = self.index.writer_with_num_threads(1, 64 * 1024 * 1024)?;
        // Merges only of segments up to MERGE_INPUT_MAX_DOCS: a merge's memory (and the
        // segment files it maps) stays the same whatever the index's size. With tantivy's
        // default, all segments under 10,000 documents form one level, so merges grow with the
        // index (a 10,000-filing batch peaked 25 MB higher, in steps at each merge).
        let mut merges = tantivy::indexer::LogMergePolicy::default();
        merges.set_max_docs_before_merge(MERGE_INPUT_MAX_DOCS);
        writer.set_merge_policy(Box::new(merges));
        Ok(CaseWriter {
            writer,
            fields: self.fields,
            stale: Arc::clone(&self.stale),
        })
    }

    /// The payload of the last commit ([`CaseWriter::commit_with_payload`]), `None` when the
    /// index has none (new, or written by `process`).
    pub fn commit_payload(&self) -> Result<Option<String>, SearchError> {
        Ok(self.index.load_metas()?.payload)
    }

    /// Number of filings in the index (as of the last commit; as of the last successful
    /// reload should reloading fail).
    pub fn len(&self) -> u64 {
        self.searcher()
            .unwrap_or_else(|_| self.reader.searcher())
            .num_docs()
    }

    /// True when the index holds no filing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Full-text search: jieba words and character bigrams, both fields queried, titles
    /// boosted. Returns the top `limit` hits with a highlighted snippet.
    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<Hit>, SearchError> {
        self.search_in(query, limit, SearchScope::All)
    }

    /// The stored full text of a filing, when indexed.
    pub fn body(&self, filing: &FilingId) -> Result<Option<String>, SearchError> {
        let f = self.fields;
        let searcher = self.searcher()?;
        let q = TermQuery::new(
            Term::from_field_text(f.filing_id, filing.as_str()),
            IndexRecordOption::Basic,
        );
        let top = searcher.search(&q, &TopDocs::with_limit(1).order_by_score())?;
        let Some((_, addr)) = top.into_iter().next() else {
            return Ok(None);
        };
        let d: TantivyDocument = searcher.doc(addr)?;
        Ok(d.get_first(f.body)
            .and_then(|v| v.as_str())
            .map(str::to_owned))
    }

    /// [`CaseIndex::search`] over the filings `scope` allows.
    pub fn search_in(
        &self,
        query: &str,
        limit: usize,
        scope: SearchScope<'_>,
    ) -> Result<Vec<Hit>, SearchError> {
        let f = self.fields;
        let mut parser = QueryParser::for_index(&self.index, vec![f.title, f.body, f.body_words]);
        parser.set_field_boost(f.title, 2.0);
        let (parsed, _errors) = parser.parse_query_lenient(query);
        let only = |field: Field, value: &str| -> Box<dyn Query> {
            Box::new(BooleanQuery::new(vec![
                (Occur::Must, parsed.box_clone()),
                (
                    Occur::Must,
                    Box::new(TermQuery::new(
                        Term::from_field_text(field, value),
                        IndexRecordOption::Basic,
                    )),
                ),
            ]))
        };
        let q: Box<dyn Query> = match scope {
            SearchScope::All => parsed.box_clone(),
            SearchScope::Org(org) => only(f.org, org),
            SearchScope::Court(court) => only(f.court, court.as_str()),
        };
        let searcher = self.searcher()?;
        let top = searcher.search(&q, &TopDocs::with_limit(limit.max(1)).order_by_score())?;
        let mut snippets = SnippetGenerator::create(&searcher, q.as_ref(), f.body)?;
        snippets.set_max_num_chars(120);
        let mut hits = Vec::with_capacity(top.len());
        for (score, addr) in top {
            let d: TantivyDocument = searcher.doc(addr)?;
            let text = |field: Field| {
                d.get_first(field)
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_owned()
            };
            let mut snippet = snippets.snippet_from_doc(&d);
            snippet.set_snippet_prefix_postfix("<b>", "</b>");
            hits.push(Hit {
                filing_id: FilingId::new(text(f.filing_id)),
                org: d
                    .get_first(f.org)
                    .and_then(|v| v.as_str())
                    .map(str::to_owned),
                court: d
                    .get_first(f.court)
                    .and_then(|v| v.as_str())
                    .map(CourtId::new),
                name: text(f.name),
                title: text(f.title),
                status: FilingStatus::parse(&text(f.status)),
                score,
                snippet_html: snippet.to_html(),
            });
        }
        Ok(hits)
    }
}

/// The index writer: add or replace filings, then commit. Owns tantivy's directory lock
/// until dropped.
pub struct CaseWriter {
    writer: IndexWriter,
    fields: Fields,
    stale: Arc<AtomicBool>,
}

impl CaseWriter {
    /// Adds `case`, replacing any earlier entry with the same filing id (so adding the same
    /// filing twice leaves one document).
    pub fn upsert(&mut self, case: &IndexedCase) -> Result<(), SearchError> {
        let f = self.fields;
        self.writer
            .delete_term(Term::from_field_text(f.filing_id, case.filing_id.as_str()));
        let mut d = doc!(
            f.filing_id => case.filing_id.as_str(),
            f.name => case.name.as_str(),
            f.title => case.title.as_str(),
            f.status => case.status.as_str(),
            f.body => case.body.as_str(),
            f.body_words => case.body.as_str(),
        );
        if let Some(org) = &case.org {
            d.add_text(f.org, org);
        }
        if let Some(court) = &case.court {
            d.add_text(f.court, court.as_str());
        }
        self.writer.add_document(d)?;
        Ok(())
    }

    /// Makes everything added so far durable and visible to searches (the reader is reloaded
    /// lazily, before the next search).
    pub fn commit(&mut self) -> Result<(), SearchError> {
        self.writer.commit()?;
        self.stale.store(true, Ordering::Release);
        Ok(())
    }

    /// Drops everything added since the last commit.
    pub fn rollback(&mut self) -> Result<(), SearchError> {
        self.writer.rollback()?;
        Ok(())
    }

    /// [`CaseWriter::commit`], recording `payload` in the same atomic write of the index's
    /// `meta.json` (read back with [`CaseIndex::commit_payload`]): what the index has applied
    /// can never disagree with what it holds.
    pub fn commit_with_payload(&mut self, payload: &str) -> Result<(), SearchError> {
        let mut prepared = self.writer.prepare_commit()?;
        prepared.set_payload(payload);
        prepared.commit()?;
        self.stale.store(true, Ordering::Release);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn case(id: &str, title: &str, body: &str) -> IndexedCase {
        IndexedCase {
            filing_id: FilingId::new(id),
            org: None,
            court: None,
            name: format!("{id}.pdf"),
            title: title.into(),
            status: FilingStatus::Drafted,
            body: body.into(),
        }
    }

    fn check_search(index: &CaseIndex, query: &str, expect: &[&str]) {
        let hits = index.search(query, 10).unwrap();
        let ids: Vec<&str> = hits.iter().map(|h| h.filing_id.as_str()).collect();
        assert_eq!(ids, expect, "query {query:?}");
    }

    #[test]
    fn finds_names_numbers_and_words_and_replaces_on_upsert() {
        let index = CaseIndex::in_memory().unwrap();
        let mut w = index.writer().unwrap();
        w.upsert(&case(
            "a",
            "甲银行诉李明辉",
            "被告李明辉应归还借款本金100,000.00元并承担连带清偿责任。",
        ))
        .unwrap();
        w.upsert(&case(
            "b",
            "乙银行诉王芳",
            "被告王芳拖欠信用卡透支款项 52,300.10 元。合同编号JK-2023-001。",
        ))
        .unwrap();
        w.commit().unwrap();
        assert_eq!(index.len(), 2);
        check_search(&index, "李明辉", &["a"]);
        check_search(&index, "100000.00", &["a"]);
        check_search(&index, "信用卡", &["b"]);
        check_search(&index, "JK-2023-001", &["b"]);
        check_search(&index, "连带清偿责任", &["a"]);
        check_search(&index, "不存在的名字", &[]);
        let body = index.body(&FilingId::new("b")).unwrap().unwrap();
        assert!(body.contains("信用卡透支"), "{body}");
        assert_eq!(index.body(&FilingId::new("zz")).unwrap(), None);
        let hit = &index.search("王芳", 1).unwrap()[0];
        assert!(hit.snippet_html.contains("<b>"), "{}", hit.snippet_html);

        w.upsert(&case("a", "甲银行诉李明辉", "已撤诉")).unwrap();
        w.commit().unwrap();
        assert_eq!(index.len(), 2);
        check_search(&index, "100000.00", &[]);
    }

    #[test]
    fn a_query_with_syntax_errors_still_answers() {
        let index = CaseIndex::in_memory().unwrap();
        let mut w = index.writer().unwrap();
        w.upsert(&case("a", "t", "借款合同")).unwrap();
        w.commit().unwrap();
        assert!(index.search("借款 AND (", 5).is_ok());
    }
}
