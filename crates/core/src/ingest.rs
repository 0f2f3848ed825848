//! `ingest`: filings in, page text out.
//!
//! Owns finding the filings of a batch ([`discover`]: a folder, a zip or a single PDF, with
//! archive safety limits). Reading a PDF's text page by page ([`read_pdf`]) is the
//! `fincase-pdf` crate, re-exported here so the pipeline names one stage.
//!
//! Scanned pages are read by OCR ([`ocr`]: the `tesseract` command, optional at run time);
//! [`ocr::read_pdf`] is [`read_pdf`] followed by OCR of the pages that need it.
//!
//! Invariant: one bad archive entry costs that entry, never the batch; nothing here panics on
//! input bytes.

pub mod ocr;
mod source;

pub use fincase_pdf::*;
pub use source::{
    FilingSource, MAX_COMPRESSION_RATIO, MAX_ENTRY_BYTES, MAX_TOTAL_BYTES, SourceEntry,
    SourceError, SourceErrorKind, SourceList, SourceReader, discover, is_archive_name, list,
    lower_ext,
};
