//! Input discovery: which filings a batch input holds (a folder searched recursively, a zip
//! archive, or one PDF file), listed first ([`list`]: names and sizes only) and read one entry
//! at a time when its turn comes ([`SourceReader::read`]), with safety limits.
//!
//! Owns path/entry safety (no absolute paths or `..` from archives, no nested archives, no
//! encrypted entries, bounded sizes and compression ratios). It does not parse PDFs beyond
//! their file name, and never writes anything: archive entries are read into memory only.
//! Memory: a listing holds names and sizes, never bytes; [`discover`] (list + read all) is for
//! small inputs only.

use std::fs;
use std::io::Read;
use std::path::{Component, Path, PathBuf};

use super::IngestError;

/// Largest filing accepted (one file or one archive entry).
pub const MAX_ENTRY_BYTES: u64 = 64 << 20;
/// Largest total of all filings in one batch.
pub const MAX_TOTAL_BYTES: u64 = 2 << 30;
/// Highest compression ratio accepted for an archive entry (above: a zip bomb).
pub const MAX_COMPRESSION_RATIO: u64 = 200;
/// Entries smaller than this are exempt from the ratio check (tiny files compress oddly).
const RATIO_FLOOR_BYTES: u64 = 64 << 10;

/// One filing found in the input: its path relative to the input and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilingSource {
    /// Path inside the folder or zip, with `/` separators (the file name for a single PDF).
    pub name: String,
    /// The file's bytes.
    pub bytes: Vec<u8>,
}

/// Why one entry of the input was not turned into a [`FilingSource`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceErrorKind {
    /// Not a PDF (by name): skipped, reported for the summary only.
    NotPdf,
    /// The gold answers of a generated filing (`<id>.gold.json` beside `<id>.pdf`, as
    /// `fincase fixtures` writes them): not a filing, counted apart from the skipped files.
    GoldAnswers,
    /// An absolute path or a `..` component inside an archive.
    UnsafePath,
    /// An archive inside the archive/folder: not unpacked.
    NestedArchive,
    /// An encrypted archive entry.
    Encrypted,
    /// Larger than [`MAX_ENTRY_BYTES`].
    TooLarge,
    /// Compression ratio above [`MAX_COMPRESSION_RATIO`].
    SuspiciousRatio,
    /// The batch already reached [`MAX_TOTAL_BYTES`].
    BatchTooLarge,
    /// The entry could not be read (IO or archive damage).
    Unreadable,
}

/// One entry that could not be taken, with the reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{name}: {reason}")]
pub struct SourceError {
    /// Path of the entry inside the input.
    pub name: String,
    /// What kind of problem.
    pub kind: SourceErrorKind,
    /// One readable line.
    pub reason: String,
}

impl SourceError {
    fn new(name: &str, kind: SourceErrorKind, reason: impl Into<String>) -> SourceError {
        SourceError {
            name: name.to_owned(),
            kind,
            reason: reason.into(),
        }
    }

    /// A stable public code.
    pub fn code(&self) -> &'static str {
        match self.kind {
            SourceErrorKind::NotPdf => "NOT_A_PDF",
            SourceErrorKind::GoldAnswers => "GOLD_ANSWERS",
            SourceErrorKind::UnsafePath => "ENTRY_UNSAFE_PATH",
            SourceErrorKind::NestedArchive => "ENTRY_NESTED_ARCHIVE",
            SourceErrorKind::Encrypted => "ENTRY_ENCRYPTED",
            SourceErrorKind::TooLarge => "ENTRY_TOO_LARGE",
            SourceErrorKind::SuspiciousRatio => "ENTRY_COMPRESSION_RATIO",
            SourceErrorKind::BatchTooLarge => "BATCH_TOO_LARGE",
            SourceErrorKind::Unreadable => "ENTRY_UNREADABLE",
        }
    }

    /// True for entries that were skipped on purpose (not PDFs), not failed.
    pub fn is_skipped(&self) -> bool {
        self.kind == SourceErrorKind::NotPdf
    }

    /// True for a generated filing's gold answers (not a filing, not a problem either).
    pub fn is_gold_answers(&self) -> bool {
        self.kind == SourceErrorKind::GoldAnswers
    }
}

/// The lower-cased extension of the last path segment of a zip entry name (`""` when none).
pub fn lower_ext(name: &str) -> String {
    name.rsplit('/')
        .next()
        .and_then(|f| f.rsplit_once('.'))
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default()
}

/// Whether a zip entry name is a (nested) archive by its extension.
pub fn is_archive_name(name: &str) -> bool {
    matches!(
        lower_ext(name).as_str(),
        "zip" | "rar" | "7z" | "tar" | "gz" | "tgz" | "bz2" | "xz" | "zst"
    )
}

fn classify(name: &str) -> Result<(), SourceError> {
    if lower_ext(name) == "pdf" {
        let file = name.rsplit('/').next().unwrap_or(name);
        if file.starts_with("._") || name.starts_with("__MACOSX/") {
            return Err(SourceError::new(
                name,
                SourceErrorKind::NotPdf,
                "macOS metadata file, skipped",
            ));
        }
        Ok(())
    } else if name.to_ascii_lowercase().ends_with(".gold.json") {
        Err(SourceError::new(
            name,
            SourceErrorKind::GoldAnswers,
            "gold answers of a generated filing, not a filing",
        ))
    } else if is_archive_name(name) {
        Err(SourceError::new(
            name,
            SourceErrorKind::NestedArchive,
            "archive inside the input is not unpacked; submit its PDFs directly",
        ))
    } else {
        Err(SourceError::new(
            name,
            SourceErrorKind::NotPdf,
            "not a PDF, skipped",
        ))
    }
}

/// Where a listed entry's bytes are: a file on disk, or an entry of the listed archive.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Location {
    /// A file (in the folder, or the single PDF given).
    File(PathBuf),
    /// The entry at this index of the zip archive held by the [`SourceReader`].
    ZipEntry(usize),
}

/// One filing found by [`list`]: its name and declared size, not yet its bytes (read them with
/// [`SourceReader::read`] when they are needed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceEntry {
    /// Path inside the folder or zip, with `/` separators (the file name for a single PDF).
    pub name: String,
    /// Size in bytes as listed (file length, or the archive's declared uncompressed size).
    pub size: u64,
    location: Location,
}

/// Reads the bytes of listed entries, one at a time, with the batch's running total.
///
/// For a zip it keeps the archive open (its central directory only, never the entries' data),
/// so entries are read by index without re-opening it. Not shared between threads: read a
/// chunk's entries, then hand the bytes to workers.
#[derive(Debug)]
pub struct SourceReader {
    zip: Option<zip::ZipArchive<std::io::BufReader<fs::File>>>,
    total: u64,
}

/// The listing of a batch input: every entry in name order (an `Err` for one that cannot be
/// taken, with its reason; non-PDFs as skipped errors), and the reader of their bytes.
#[derive(Debug)]
pub struct SourceList {
    /// Entries sorted by name.
    pub entries: Vec<Result<SourceEntry, SourceError>>,
    /// Reads an entry's bytes when its turn comes.
    pub reader: SourceReader,
}

/// Lists the filings of a batch input without reading their bytes: memory is a few hundred
/// bytes per entry whatever the filings weigh.
///
/// `input` is a folder (searched recursively; `*.pdf` in any letter case; symlinked folders
/// are not followed), a `.zip` archive, or one PDF file. The same per-entry checks as
/// [`discover`] apply (names, nested archives, encryption, declared sizes, compression ratio);
/// the batch total and the actual sizes are checked as entries are read. The whole call fails
/// only when the input itself cannot be opened.
pub fn list(input: &Path) -> Result<SourceList, IngestError> {
    let meta = fs::metadata(input).map_err(|e| IngestError::InputUnreadable {
        path: input.display().to_string(),
        reason: e.to_string(),
    })?;
    let (mut entries, zip) = if meta.is_dir() {
        (list_dir(input)?, None)
    } else if lower_ext(&input.to_string_lossy()) == "zip" {
        let (entries, zip) = list_zip(input)?;
        (entries, Some(zip))
    } else {
        let name = input
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| input.display().to_string());
        let entry = classify(&name)
            .and_then(|()| check_size(&name, meta.len()))
            .map(|()| SourceEntry {
                name: name.clone(),
                size: meta.len(),
                location: Location::File(input.to_path_buf()),
            });
        (vec![entry], None)
    };
    entries.sort_by(|a, b| listed_name(a).cmp(listed_name(b)));
    Ok(SourceList {
        entries,
        reader: SourceReader { zip, total: 0 },
    })
}

impl SourceReader {
    /// Reads one listed entry's bytes (at most [`MAX_ENTRY_BYTES`]), counting them towards the
    /// batch total ([`MAX_TOTAL_BYTES`]). An entry whose bytes turn out larger than allowed, or
    /// that cannot be read, is an `Err` for that entry only.
    pub fn read(&mut self, entry: &SourceEntry) -> Result<FilingSource, SourceError> {
        let name = entry.name.as_str();
        if self.total + entry.size > MAX_TOTAL_BYTES {
            return Err(SourceError::new(
                name,
                SourceErrorKind::BatchTooLarge,
                format!("batch over {} GiB; split it", MAX_TOTAL_BYTES >> 30),
            ));
        }
        let unreadable = |e: String| SourceError::new(name, SourceErrorKind::Unreadable, e);
        let mut bytes = Vec::new();
        let grew = match &entry.location {
            Location::File(path) => {
                let file = fs::File::open(path).map_err(|e| unreadable(e.to_string()))?;
                file.take(MAX_ENTRY_BYTES + 1)
                    .read_to_end(&mut bytes)
                    .map_err(|e| unreadable(e.to_string()))?;
                "file grew past the limit while read"
            }
            Location::ZipEntry(i) => {
                let zip = self
                    .zip
                    .as_mut()
                    .ok_or_else(|| unreadable("archive entry without its archive".into()))?;
                let f = zip.by_index(*i).map_err(|e| unreadable(e.to_string()))?;
                // The declared size may lie: never read more than the limit.
                f.take(MAX_ENTRY_BYTES + 1)
                    .read_to_end(&mut bytes)
                    .map_err(|e| unreadable(e.to_string()))?;
                "entry inflates past the per-filing limit"
            }
        };
        if bytes.len() as u64 > MAX_ENTRY_BYTES {
            return Err(SourceError::new(name, SourceErrorKind::TooLarge, grew));
        }
        self.total += bytes.len() as u64;
        Ok(FilingSource {
            name: entry.name.clone(),
            bytes,
        })
    }

    /// Bytes read so far.
    pub fn total_read(&self) -> u64 {
        self.total
    }
}

/// Finds the filings of a batch input and reads them all into memory.
///
/// The same as [`list`] followed by [`SourceReader::read`] on every entry, in name order: for
/// small inputs, tests and benches. A batch of any size should use [`list`] and read a chunk at
/// a time. Non-PDF entries come back as skipped errors ([`SourceError::is_skipped`]).
pub fn discover(input: &Path) -> Result<Vec<Result<FilingSource, SourceError>>, IngestError> {
    let SourceList {
        entries,
        mut reader,
    } = list(input)?;
    Ok(entries
        .into_iter()
        .map(|e| e.and_then(|e| reader.read(&e)))
        .collect())
}

fn listed_name(r: &Result<SourceEntry, SourceError>) -> &str {
    match r {
        Ok(f) => &f.name,
        Err(e) => &e.name,
    }
}

fn check_size(name: &str, len: u64) -> Result<(), SourceError> {
    if len > MAX_ENTRY_BYTES {
        return Err(SourceError::new(
            name,
            SourceErrorKind::TooLarge,
            format!(
                "{} MiB is over the {} MiB limit per filing",
                len >> 20,
                MAX_ENTRY_BYTES >> 20
            ),
        ));
    }
    Ok(())
}

fn list_dir(root: &Path) -> Result<Vec<Result<SourceEntry, SourceError>>, IngestError> {
    let mut files: Vec<(String, PathBuf, u64)> = Vec::new();
    let mut out = Vec::new();
    let mut dirs = vec![root.to_path_buf()];
    let mut first = true;
    while let Some(dir) = dirs.pop() {
        let entries = match fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) if first => {
                return Err(IngestError::InputUnreadable {
                    path: root.display().to_string(),
                    reason: e.to_string(),
                });
            }
            Err(e) => {
                let rel = rel_name(root, &dir);
                out.push(Err(SourceError::new(
                    &rel,
                    SourceErrorKind::Unreadable,
                    e.to_string(),
                )));
                continue;
            }
        };
        first = false;
        for entry in entries.flatten() {
            let path = entry.path();
            let Ok(ft) = entry.file_type() else {
                continue;
            };
            if ft.is_dir() {
                dirs.push(path);
            } else if ft.is_file() || ft.is_symlink() {
                // A symlink to a file is read through; to a folder it is not followed.
                let Ok(meta) = fs::metadata(&path) else {
                    continue;
                };
                if meta.is_file() {
                    files.push((rel_name(root, &path), path, meta.len()));
                }
            }
        }
    }
    files.sort();
    for (name, path, len) in files {
        out.push(
            classify(&name)
                .and_then(|()| check_size(&name, len))
                .map(|()| SourceEntry {
                    name,
                    size: len,
                    location: Location::File(path),
                }),
        );
    }
    Ok(out)
}

fn rel_name(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// Archive names: UTF-8 when valid, else GBK (zips made on Chinese Windows carry GBK names
/// without the UTF-8 flag).
fn decode_entry_name(raw: &[u8]) -> String {
    match std::str::from_utf8(raw) {
        Ok(s) => s.to_owned(),
        Err(_) => encoding_rs::GBK
            .decode_without_bom_handling(raw)
            .0
            .into_owned(),
    }
}

fn unsafe_path(name: &str) -> bool {
    let n = name.replace('\\', "/");
    if n.starts_with('/') || n.as_bytes().get(1) == Some(&b':') {
        return true;
    }
    Path::new(&n).components().any(|c| {
        matches!(
            c,
            Component::ParentDir | Component::RootDir | Component::Prefix(_)
        )
    })
}

type ZipListing = (
    Vec<Result<SourceEntry, SourceError>>,
    zip::ZipArchive<std::io::BufReader<fs::File>>,
);

fn list_zip(path: &Path) -> Result<ZipListing, IngestError> {
    let archive_err = |reason: String| IngestError::ArchiveUnreadable {
        path: path.display().to_string(),
        reason,
    };
    let file = fs::File::open(path).map_err(|e| archive_err(e.to_string()))?;
    let mut zip = zip::ZipArchive::new(std::io::BufReader::new(file))
        .map_err(|e| archive_err(e.to_string()))?;
    let mut out = Vec::new();
    for i in 0..zip.len() {
        // Metadata only, without decompressing.
        let (name, is_dir, encrypted, size, csize, symlink) = match zip.by_index_raw(i) {
            Ok(f) => (
                decode_entry_name(f.name_raw()),
                f.is_dir(),
                f.encrypted(),
                f.size(),
                f.compressed_size(),
                f.is_symlink(),
            ),
            Err(e) => {
                out.push(Err(SourceError::new(
                    &format!("#{i}"),
                    SourceErrorKind::Unreadable,
                    e.to_string(),
                )));
                continue;
            }
        };
        if is_dir {
            continue;
        }
        let name = name.replace('\\', "/");
        out.push(
            check_zip_entry(&name, encrypted, size, csize, symlink).map(|()| SourceEntry {
                name,
                size,
                location: Location::ZipEntry(i),
            }),
        );
    }
    Ok((out, zip))
}

fn check_zip_entry(
    name: &str,
    encrypted: bool,
    size: u64,
    csize: u64,
    symlink: bool,
) -> Result<(), SourceError> {
    if unsafe_path(name) {
        return Err(SourceError::new(
            name,
            SourceErrorKind::UnsafePath,
            "absolute path or '..' in archive entry; rejected",
        ));
    }
    classify(name)?;
    if symlink {
        return Err(SourceError::new(
            name,
            SourceErrorKind::UnsafePath,
            "symbolic link entry; rejected",
        ));
    }
    if encrypted {
        return Err(SourceError::new(
            name,
            SourceErrorKind::Encrypted,
            "password-protected archive entry; submit it unencrypted",
        ));
    }
    check_size(name, size)?;
    if size > RATIO_FLOOR_BYTES && size / csize.max(1) > MAX_COMPRESSION_RATIO {
        return Err(SourceError::new(
            name,
            SourceErrorKind::SuspiciousRatio,
            format!(
                "compression ratio {}:1 is over {MAX_COMPRESSION_RATIO}:1 (zip bomb?)",
                size / csize.max(1)
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn names(v: &[Result<FilingSource, SourceError>]) -> Vec<(String, &'static str)> {
        v.iter()
            .map(|r| match r {
                Ok(f) => (f.name.clone(), "ok"),
                Err(e) => (e.name.clone(), e.code()),
            })
            .collect()
    }

    #[test]
    fn folder_recursive_sorted_case_insensitive() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("b/c")).unwrap();
        fs::write(dir.path().join("b/c/x.PDF"), b"%PDF-1.4").unwrap();
        fs::write(dir.path().join("a.pdf"), b"%PDF-1.4").unwrap();
        fs::write(dir.path().join("notes.txt"), b"hi").unwrap();
        fs::write(dir.path().join("more.zip"), b"PK").unwrap();
        let got = discover(dir.path()).unwrap();
        assert_eq!(
            names(&got),
            vec![
                ("a.pdf".to_string(), "ok"),
                ("b/c/x.PDF".to_string(), "ok"),
                ("more.zip".to_string(), "ENTRY_NESTED_ARCHIVE"),
                ("notes.txt".to_string(), "NOT_A_PDF"),
            ]
        );
        assert!(got[3].as_ref().err().is_some_and(SourceError::is_skipped));
    }

    #[test]
    fn zip_entries_checked_one_by_one() {
        let dir = tempfile::tempdir().unwrap();
        let zpath = dir.path().join("batch.zip");
        let mut w = zip::ZipWriter::new(fs::File::create(&zpath).unwrap());
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        w.start_file("filings/1.pdf", opts).unwrap();
        w.write_all(b"%PDF-1.4 one").unwrap();
        w.start_file("../evil.pdf", opts).unwrap();
        w.write_all(b"%PDF-1.4").unwrap();
        w.start_file("/abs.pdf", opts).unwrap();
        w.write_all(b"%PDF-1.4").unwrap();
        w.start_file("inner.zip", opts).unwrap();
        w.write_all(b"PK").unwrap();
        w.start_file("bomb.pdf", opts).unwrap();
        w.write_all(&vec![0u8; 4 << 20]).unwrap();
        w.start_file("readme.md", opts).unwrap();
        w.write_all(b"x").unwrap();
        w.finish().unwrap();
        let got = discover(&zpath).unwrap();
        assert_eq!(
            names(&got),
            vec![
                ("../evil.pdf".to_string(), "ENTRY_UNSAFE_PATH"),
                ("/abs.pdf".to_string(), "ENTRY_UNSAFE_PATH"),
                ("bomb.pdf".to_string(), "ENTRY_COMPRESSION_RATIO"),
                ("filings/1.pdf".to_string(), "ok"),
                ("inner.zip".to_string(), "ENTRY_NESTED_ARCHIVE"),
                ("readme.md".to_string(), "NOT_A_PDF"),
            ]
        );
        assert_eq!(
            got[3].as_ref().map(|f| f.bytes.clone()).ok(),
            Some(b"%PDF-1.4 one".to_vec())
        );
    }

    #[test]
    fn broken_zip_and_missing_input_fail_whole() {
        let dir = tempfile::tempdir().unwrap();
        let zpath = dir.path().join("bad.zip");
        fs::write(&zpath, b"not a zip").unwrap();
        assert_eq!(
            discover(&zpath).err().map(|e| e.code()),
            Some("ARCHIVE_UNREADABLE")
        );
        let missing = dir.path().join("nope");
        assert_eq!(
            discover(&missing).err().map(|e| e.code()),
            Some("INPUT_UNREADABLE")
        );
    }

    #[test]
    fn listing_holds_no_bytes_and_reads_on_demand() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("a.pdf"), b"%PDF-1.4 a").unwrap();
        fs::write(dir.path().join("b.pdf"), b"%PDF-1.4 bb").unwrap();
        let SourceList {
            entries,
            mut reader,
        } = list(dir.path()).unwrap();
        let listed: Vec<(String, u64)> = entries
            .iter()
            .flatten()
            .map(|e| (e.name.clone(), e.size))
            .collect();
        assert_eq!(listed, vec![("a.pdf".into(), 10), ("b.pdf".into(), 11)]);
        // Bytes are read when asked for, not at listing time.
        fs::write(dir.path().join("b.pdf"), b"%PDF-1.4 changed").unwrap();
        let b = entries[1].as_ref().unwrap();
        assert_eq!(reader.read(b).unwrap().bytes, b"%PDF-1.4 changed".to_vec());
        assert_eq!(reader.total_read(), 16);
        fs::remove_file(dir.path().join("a.pdf")).unwrap();
        let a = entries[0].as_ref().unwrap();
        assert_eq!(
            reader.read(a).err().map(|e| e.code()),
            Some("ENTRY_UNREADABLE")
        );
    }

    #[test]
    fn zip_entries_read_by_index_in_any_order() {
        let dir = tempfile::tempdir().unwrap();
        let zpath = dir.path().join("batch.zip");
        let mut w = zip::ZipWriter::new(fs::File::create(&zpath).unwrap());
        let opts = zip::write::SimpleFileOptions::default();
        for (n, body) in [
            ("z.pdf", "%PDF z"),
            ("m.pdf", "%PDF m"),
            ("a.pdf", "%PDF a"),
        ] {
            w.start_file(n, opts).unwrap();
            w.write_all(body.as_bytes()).unwrap();
        }
        w.finish().unwrap();
        let SourceList {
            entries,
            mut reader,
        } = list(&zpath).unwrap();
        let names: Vec<&str> = entries.iter().flatten().map(|e| e.name.as_str()).collect();
        assert_eq!(names, vec!["a.pdf", "m.pdf", "z.pdf"]);
        let last = entries[2].as_ref().unwrap();
        assert_eq!(reader.read(last).unwrap().bytes, b"%PDF z".to_vec());
        let first = entries[0].as_ref().unwrap();
        assert_eq!(reader.read(first).unwrap().bytes, b"%PDF a".to_vec());
    }

    #[test]
    fn gbk_entry_names_are_decoded() {
        let (raw, _, _) = encoding_rs::GBK.encode("起诉状.pdf");
        assert_eq!(decode_entry_name(&raw), "起诉状.pdf");
    }
}
