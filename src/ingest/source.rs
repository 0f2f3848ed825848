//! Input discovery: which filings a batch input holds (a folder searched recursively, a zip
//! archive, or one PDF file), read into memory with safety limits.
//!
//! Owns path/entry safety (no absolute paths or `..` from archives, no nested archives, no
//! encrypted entries, bounded sizes and compression ratios). It does not parse PDFs beyond
//! their file name, and never writes anything: archive entries are read into memory only.

use std::fs;
use std::io::Read;
use std::path::{Component, Path};

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
}

fn lower_ext(name: &str) -> String {
    name.rsplit('/')
        .next()
        .and_then(|f| f.rsplit_once('.'))
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default()
}

fn is_archive_name(name: &str) -> bool {
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

/// Finds the filings of a batch input.
///
/// `input` is a folder (searched recursively; `*.pdf` in any letter case; symlinked folders
/// are not followed), a `.zip` archive, or one PDF file. Results are sorted by name. An entry
/// that cannot be taken is an `Err` for that entry only; non-PDF entries come back as skipped
/// errors ([`SourceError::is_skipped`]) so that a summary can list them. The whole call fails
/// only when the input itself cannot be opened.
pub fn discover(input: &Path) -> Result<Vec<Result<FilingSource, SourceError>>, IngestError> {
    let meta = fs::metadata(input).map_err(|e| IngestError::InputUnreadable {
        path: input.display().to_string(),
        reason: e.to_string(),
    })?;
    let mut out = if meta.is_dir() {
        discover_dir(input)?
    } else if lower_ext(&input.to_string_lossy()) == "zip" {
        discover_zip(input)?
    } else {
        let name = input
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| input.display().to_string());
        let mut total = 0u64;
        vec![classify(&name).and_then(|()| read_file(input, &name, meta.len(), &mut total))]
    };
    out.sort_by(|a, b| entry_name(a).cmp(entry_name(b)));
    Ok(out)
}

fn entry_name(r: &Result<FilingSource, SourceError>) -> &str {
    match r {
        Ok(f) => &f.name,
        Err(e) => &e.name,
    }
}

fn read_file(
    path: &Path,
    name: &str,
    len: u64,
    total: &mut u64,
) -> Result<FilingSource, SourceError> {
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
    if *total + len > MAX_TOTAL_BYTES {
        return Err(SourceError::new(
            name,
            SourceErrorKind::BatchTooLarge,
            format!("batch over {} GiB; split it", MAX_TOTAL_BYTES >> 30),
        ));
    }
    let mut bytes = Vec::new();
    let file = fs::File::open(path)
        .map_err(|e| SourceError::new(name, SourceErrorKind::Unreadable, e.to_string()))?;
    file.take(MAX_ENTRY_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| SourceError::new(name, SourceErrorKind::Unreadable, e.to_string()))?;
    if bytes.len() as u64 > MAX_ENTRY_BYTES {
        return Err(SourceError::new(
            name,
            SourceErrorKind::TooLarge,
            "file grew past the limit while read",
        ));
    }
    *total += bytes.len() as u64;
    Ok(FilingSource {
        name: name.to_owned(),
        bytes,
    })
}

fn discover_dir(root: &Path) -> Result<Vec<Result<FilingSource, SourceError>>, IngestError> {
    let mut files: Vec<(String, std::path::PathBuf, u64)> = Vec::new();
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
    let mut total = 0u64;
    for (name, path, len) in files {
        out.push(classify(&name).and_then(|()| read_file(&path, &name, len, &mut total)));
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

fn discover_zip(path: &Path) -> Result<Vec<Result<FilingSource, SourceError>>, IngestError> {
    let archive_err = |reason: String| IngestError::ArchiveUnreadable {
        path: path.display().to_string(),
        reason,
    };
    let file = fs::File::open(path).map_err(|e| archive_err(e.to_string()))?;
    let mut zip = zip::ZipArchive::new(std::io::BufReader::new(file))
        .map_err(|e| archive_err(e.to_string()))?;
    let mut out = Vec::new();
    let mut total = 0u64;
    for i in 0..zip.len() {
        // Metadata first, without decompressing.
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
        if unsafe_path(&name) {
            out.push(Err(SourceError::new(
                &name,
                SourceErrorKind::UnsafePath,
                "absolute path or '..' in archive entry; rejected",
            )));
            continue;
        }
        if let Err(e) = classify(&name) {
            out.push(Err(e));
            continue;
        }
        if symlink {
            out.push(Err(SourceError::new(
                &name,
                SourceErrorKind::UnsafePath,
                "symbolic link entry; rejected",
            )));
            continue;
        }
        if encrypted {
            out.push(Err(SourceError::new(
                &name,
                SourceErrorKind::Encrypted,
                "password-protected archive entry; submit it unencrypted",
            )));
            continue;
        }
        if size > MAX_ENTRY_BYTES {
            out.push(Err(SourceError::new(
                &name,
                SourceErrorKind::TooLarge,
                format!(
                    "{} MiB is over the {} MiB limit per filing",
                    size >> 20,
                    MAX_ENTRY_BYTES >> 20
                ),
            )));
            continue;
        }
        if size > RATIO_FLOOR_BYTES && size / csize.max(1) > MAX_COMPRESSION_RATIO {
            out.push(Err(SourceError::new(
                &name,
                SourceErrorKind::SuspiciousRatio,
                format!(
                    "compression ratio {}:1 is over {MAX_COMPRESSION_RATIO}:1 (zip bomb?)",
                    size / csize.max(1)
                ),
            )));
            continue;
        }
        if total + size > MAX_TOTAL_BYTES {
            out.push(Err(SourceError::new(
                &name,
                SourceErrorKind::BatchTooLarge,
                format!("batch over {} GiB; split it", MAX_TOTAL_BYTES >> 30),
            )));
            continue;
        }
        let read = zip.by_index(i).map_err(|e| e.to_string()).and_then(|f| {
            let mut bytes = Vec::new();
            // The declared size may lie: never read more than the limit.
            f.take(MAX_ENTRY_BYTES + 1)
                .read_to_end(&mut bytes)
                .map_err(|e| e.to_string())?;
            Ok(bytes)
        });
        match read {
            Ok(bytes) if bytes.len() as u64 > MAX_ENTRY_BYTES => out.push(Err(SourceError::new(
                &name,
                SourceErrorKind::TooLarge,
                "entry inflates past the per-filing limit",
            ))),
            Ok(bytes) => {
                total += bytes.len() as u64;
                out.push(Ok(FilingSource { name, bytes }));
            }
            Err(e) => out.push(Err(SourceError::new(&name, SourceErrorKind::Unreadable, e))),
        }
    }
    Ok(out)
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
    fn gbk_entry_names_are_decoded() {
        let (raw, _, _) = encoding_rs::GBK.encode("起诉状.pdf");
        assert_eq!(decode_entry_name(&raw), "起诉状.pdf");
    }
}
