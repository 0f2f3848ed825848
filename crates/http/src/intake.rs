//! Bulk intake: a multipart upload (PDF files, or one zip, plus an optional `manifest.csv`)
//! streamed to a staging folder under the index home, checked, hashed while written, never held
//! whole in memory.
//!
//! The batch is all or nothing: one hostile or broken entry (zip-slip name, nested archive,
//! encrypted entry, oversize file, zip bomb, non-PDF, empty file, bad manifest) rejects the
//! whole upload with a 4xx naming the entry and the reason, and the staging folder is removed:
//! nothing else is affected. The archive checks mirror `ingest::discover`'s (which reads entries
//! into memory and so cannot serve here) with limits from the service configuration.

use super::ApiError;
use super::config::Limits;
use axum::extract::Multipart;
use axum::http::StatusCode;
use fincase_core::ingest::{is_archive_name, lower_ext};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::{Component, Path, PathBuf};
use tokio::io::AsyncWriteExt;

/// Most bytes of a manifest.
const MAX_MANIFEST_BYTES: usize = 4 << 20;
/// Bytes read for the `%PDF-` check.
const HEAD_BYTES: usize = 1024;

/// One PDF written to the staging folder.
#[derive(Debug, Clone)]
pub(crate) struct Staged {
    /// Name as filed (entry path inside the zip, or the uploaded file name).
    pub name: String,
    /// Where it is staged.
    pub path: PathBuf,
    /// Hex SHA-256.
    pub sha256: String,
}

/// Everything an upload held, staged and checked.
#[derive(Debug, Default)]
pub(crate) struct Intake {
    /// The PDFs, in upload (or archive) order.
    pub files: Vec<Staged>,
    /// The bank's references per file name (manifest.csv).
    pub references: HashMap<String, String>,
    /// Entries skipped on purpose (macOS metadata, folders).
    pub skipped: Vec<String>,
}

fn too_large(code: &'static str, message: String) -> ApiError {
    ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, code, message)
}

/// An entry over the per-file limit of `max` bytes.
fn file_too_large(name: &str, max: u64) -> ApiError {
    entry_error(
        StatusCode::PAYLOAD_TOO_LARGE,
        "FILE_TOO_LARGE",
        name,
        &format!("over the {} MiB limit per file", max >> 20),
    )
}

/// More files than one batch may hold.
fn too_many_files(limits: &Limits) -> ApiError {
    too_large(
        "TOO_MANY_FILES",
        format!(
            "more than {} files in one batch; split it",
            limits.max_files
        ),
    )
}

/// An archive that inflates past the batch's uncompressed limit.
fn archive_too_large(limits: &Limits) -> ApiError {
    too_large(
        "BATCH_TOO_LARGE",
        format!(
            "the archive inflates to over {} MiB; split it",
            limits.max_uncompressed_bytes >> 20
        ),
    )
}

/// PDF files and a zip in one upload, or two zips.
fn batch_mixed() -> ApiError {
    ApiError::bad_request(
        "BATCH_MIXED",
        "submit either PDF files or exactly one zip per batch",
    )
}

fn entry_error(status: StatusCode, code: &'static str, name: &str, why: &str) -> ApiError {
    let masked = fincase_core::extract::pii::mask(name);
    ApiError::new(status, code, format!("{masked}: {why}"))
        .with_details(serde_json::json!({ "entry": masked }))
}

fn is_metadata(name: &str) -> bool {
    let file = name.rsplit('/').next().unwrap_or(name);
    file.starts_with("._") || name.starts_with("__MACOSX/") || file == ".DS_Store"
}

fn is_manifest(name: &str) -> bool {
    name.rsplit('/')
        .next()
        .is_some_and(|f| f.eq_ignore_ascii_case("manifest.csv"))
}

/// Absolute paths, drive letters and `..` anywhere: a zip-slip attempt.
fn unsafe_path(name: &str) -> bool {
    let n = name.replace('\\', "/");
    if n.starts_with('/') || n.as_bytes().get(1) == Some(&b':') || n.contains('\0') {
        return true;
    }
    Path::new(&n).components().any(|c| {
        matches!(
            c,
            Component::ParentDir | Component::RootDir | Component::Prefix(_)
        )
    })
}

/// Archive names and manifests: UTF-8 when valid, else GBK (made on Chinese Windows).
fn utf8_or_gbk(raw: &[u8]) -> String {
    match std::str::from_utf8(raw) {
        Ok(s) => s.to_owned(),
        Err(_) => encoding_rs::GBK
            .decode_without_bom_handling(raw)
            .0
            .into_owned(),
    }
}

/// Checks a staged file's first bytes: empty, or not a PDF.
fn check_pdf_head(name: &str, head: &[u8], len: u64) -> Result<(), ApiError> {
    if len == 0 {
        return Err(entry_error(
            StatusCode::BAD_REQUEST,
            "FILE_EMPTY",
            name,
            "the file is empty",
        ));
    }
    if !head.windows(5).any(|w| w == b"%PDF-") {
        return Err(entry_error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "NOT_A_PDF",
            name,
            "not a PDF (no %PDF- header); submit PDF filings only",
        ));
    }
    Ok(())
}

/// What is kept of a file while it is staged: its hash, its length and its first bytes.
struct Tally {
    hasher: Sha256,
    len: u64,
    head: Vec<u8>,
}

impl Tally {
    fn new() -> Tally {
        Tally {
            hasher: Sha256::new(),
            len: 0,
            head: Vec::with_capacity(HEAD_BYTES),
        }
    }

    /// Counts the next chunk of the file; returns the length so far.
    fn add(&mut self, chunk: &[u8]) -> u64 {
        self.len += chunk.len() as u64;
        if self.head.len() < HEAD_BYTES {
            let take = (HEAD_BYTES - self.head.len()).min(chunk.len());
            self.head.extend_from_slice(&chunk[..take]);
        }
        self.hasher.update(chunk);
        self.len
    }

    /// The hex hash, the length and the first bytes.
    fn finish(self) -> (String, u64, Vec<u8>) {
        (hex::encode(self.hasher.finalize()), self.len, self.head)
    }
}

/// Running totals of one upload against the limits.
struct Budget<'a> {
    limits: &'a Limits,
    total: u64,
    files: usize,
}

impl Budget<'_> {
    fn add_bytes(&mut self, n: u64) -> Result<(), ApiError> {
        self.total += n;
        if self.total > self.limits.max_batch_bytes {
            return Err(too_large(
                "BATCH_TOO_LARGE",
                format!(
                    "the batch is over {} MiB; split it",
                    self.limits.max_batch_bytes >> 20
                ),
            ));
        }
        Ok(())
    }

    fn add_file(&mut self) -> Result<(), ApiError> {
        self.files += 1;
        if self.files > self.limits.max_files {
            return Err(too_many_files(self.limits));
        }
        Ok(())
    }
}

/// Reads a multipart upload into `dir`: PDFs, one zip (expanded), `manifest.csv`.
pub(crate) async fn receive(
    mut multipart: Multipart,
    dir: &Path,
    limits: &Limits,
) -> Result<Intake, ApiError> {
    tokio::fs::create_dir_all(dir).await?;
    let mut intake = Intake::default();
    let mut budget = Budget {
        limits,
        total: 0,
        files: 0,
    };
    let mut manifest: Option<Vec<u8>> = None;
    let mut zip: Option<PathBuf> = None;
    let mut n = 0usize;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => return Err(multipart_error(&e.body_text(), e.status())),
        };
        let Some(name) = field.file_name().map(str::to_owned) else {
            // A plain form field: not part of the batch.
            continue;
        };
        n += 1;
        let name = name.replace('\\', "/");
        if unsafe_path(&name) {
            return Err(entry_error(
                StatusCode::BAD_REQUEST,
                "ENTRY_UNSAFE_PATH",
                &name,
                "absolute path or '..' in a file name; rejected",
            ));
        }
        if is_manifest(&name) || field.name() == Some("manifest") {
            if manifest.is_some() {
                return Err(ApiError::bad_request(
                    "MANIFEST_INVALID",
                    "more than one manifest.csv",
                ));
            }
            manifest = Some(read_small(field, MAX_MANIFEST_BYTES).await?);
            continue;
        }
        if lower_ext(&name) == "zip" {
            if zip.is_some() || !intake.files.is_empty() {
                return Err(batch_mixed());
            }
            let path = dir.join("upload.zip");
            let (_, _, _) =
                stream_to(field, &path, &name, limits.max_batch_bytes, &mut budget).await?;
            zip = Some(path);
            continue;
        }
        if is_archive_name(&name) {
            return Err(entry_error(
                StatusCode::BAD_REQUEST,
                "NESTED_ARCHIVE",
                &name,
                "only zip archives are accepted; submit the PDFs or one zip",
            ));
        }
        if zip.is_some() {
            return Err(batch_mixed());
        }
        budget.add_file()?;
        let path = dir.join(format!("f{n:06}.pdf"));
        let (sha, len, head) =
            stream_to(field, &path, &name, limits.max_file_bytes, &mut budget).await?;
        check_pdf_head(&name, &head, len)?;
        intake.files.push(Staged {
            name,
            path,
            sha256: sha,
        });
    }
    if let Some(zip_path) = zip {
        let dir = dir.to_owned();
        let limits = limits.clone();
        let (files, skipped, inner_manifest) =
            tokio::task::spawn_blocking(move || expand_zip(&zip_path, &dir, &limits))
                .await
                .map_err(|e| {
                    ApiError::new(
                        StatusCode::INTERNAL_SERVER_ERROR,
                        "INTAKE_ABORTED",
                        format!("archive expansion aborted: {e}"),
                    )
                })??;
        intake.files = files;
        intake.skipped = skipped;
        if let Some(m) = inner_manifest {
            if manifest.is_some() {
                return Err(ApiError::bad_request(
                    "MANIFEST_INVALID",
                    "manifest.csv given both inside and beside the zip",
                ));
            }
            manifest = Some(m);
        }
    }
    if intake.files.is_empty() {
        return Err(ApiError::bad_request(
            "BATCH_EMPTY",
            "the upload holds no PDF filing",
        ));
    }
    if let Some(m) = manifest {
        intake.references = parse_manifest(&m, &intake.files)?;
    }
    Ok(intake)
}

fn multipart_error(text: &str, status: StatusCode) -> ApiError {
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        too_large(
            "BATCH_TOO_LARGE",
            format!("the upload is too large: {text}"),
        )
    } else {
        ApiError::bad_request(
            "BAD_MULTIPART",
            format!("malformed multipart upload: {text}"),
        )
    }
}

async fn read_small(
    mut field: axum::extract::multipart::Field<'_>,
    max: usize,
) -> Result<Vec<u8>, ApiError> {
    let mut out = Vec::new();
    loop {
        match field.chunk().await {
            Ok(Some(c)) => {
                out.extend_from_slice(&c);
                if out.len() > max {
                    return Err(too_large(
                        "MANIFEST_TOO_LARGE",
                        format!("manifest.csv over {} MiB", max >> 20),
                    ));
                }
            }
            Ok(None) => return Ok(out),
            Err(e) => return Err(multipart_error(&e.body_text(), e.status())),
        }
    }
}

/// Streams one field to `path`, hashing it; enforces the per-file and batch limits as it goes.
/// Returns the hash, the length and the first bytes.
async fn stream_to(
    mut field: axum::extract::multipart::Field<'_>,
    path: &Path,
    name: &str,
    max: u64,
    budget: &mut Budget<'_>,
) -> Result<(String, u64, Vec<u8>), ApiError> {
    let mut file = tokio::fs::File::create(path).await?;
    let mut tally = Tally::new();
    loop {
        let chunk = match field.chunk().await {
            Ok(Some(c)) => c,
            Ok(None) => break,
            Err(e) => return Err(multipart_error(&e.body_text(), e.status())),
        };
        if tally.add(&chunk) > max {
            return Err(file_too_large(name, max));
        }
        budget.add_bytes(chunk.len() as u64)?;
        file.write_all(&chunk).await?;
    }
    // Not fsynced here: the store makes an original durable where it keeps it
    // (`Store::put_original_files`), and a staged file it copies into the database needs none.
    file.flush().await?;
    Ok(tally.finish())
}

type Expanded = (Vec<Staged>, Vec<String>, Option<Vec<u8>>);

/// Checks every entry of the zip (metadata first, without decompressing), then streams each PDF
/// to the staging folder. Blocking: run it in `spawn_blocking`.
fn expand_zip(zip_path: &Path, dir: &Path, limits: &Limits) -> Result<Expanded, ApiError> {
    let file = std::fs::File::open(zip_path)?;
    let mut zip = zip::ZipArchive::new(std::io::BufReader::new(file)).map_err(|e| {
        ApiError::bad_request("ARCHIVE_UNREADABLE", format!("not a readable zip: {e}"))
    })?;
    if zip.len() > limits.max_zip_entries {
        return Err(too_large(
            "TOO_MANY_ENTRIES",
            format!(
                "{} entries; at most {} per archive",
                zip.len(),
                limits.max_zip_entries
            ),
        ));
    }
    // Pass 1: metadata only.
    let mut plan: Vec<(usize, String)> = Vec::new();
    let mut skipped = Vec::new();
    let mut manifest_idx = None;
    let mut declared_total = 0u64;
    for i in 0..zip.len() {
        let f = zip
            .by_index_raw(i)
            .map_err(|e| ApiError::bad_request("ARCHIVE_UNREADABLE", format!("entry #{i}: {e}")))?;
        let name = utf8_or_gbk(f.name_raw()).replace('\\', "/");
        if unsafe_path(&name) {
            return Err(entry_error(
                StatusCode::BAD_REQUEST,
                "ENTRY_UNSAFE_PATH",
                &name,
                "absolute path or '..' in archive entry (zip-slip); rejected",
            ));
        }
        if f.is_dir() {
            continue;
        }
        if f.is_symlink() {
            return Err(entry_error(
                StatusCode::BAD_REQUEST,
                "ENTRY_UNSAFE_PATH",
                &name,
                "symbolic link entry; rejected",
            ));
        }
        if is_metadata(&name) {
            skipped.push(name);
            continue;
        }
        if f.encrypted() {
            return Err(entry_error(
                StatusCode::BAD_REQUEST,
                "ENTRY_ENCRYPTED",
                &name,
                "password-protected entry; submit it unencrypted",
            ));
        }
        if is_archive_name(&name) {
            return Err(entry_error(
                StatusCode::BAD_REQUEST,
                "NESTED_ARCHIVE",
                &name,
                "archive inside the archive is not unpacked; submit its PDFs directly",
            ));
        }
        let (size, csize) = (f.size(), f.compressed_size());
        if is_manifest(&name) {
            if manifest_idx.is_some() || size > MAX_MANIFEST_BYTES as u64 {
                return Err(ApiError::bad_request(
                    "MANIFEST_INVALID",
                    "more than one manifest.csv, or one over 4 MiB",
                ));
            }
            manifest_idx = Some(i);
            continue;
        }
        if lower_ext(&name) != "pdf" {
            return Err(entry_error(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "NOT_A_PDF",
                &name,
                "not a PDF; the archive may hold PDFs and one manifest.csv only",
            ));
        }
        if size > limits.max_file_bytes {
            return Err(file_too_large(&name, limits.max_file_bytes));
        }
        if size > limits.ratio_floor_bytes && size / csize.max(1) > limits.max_compression_ratio {
            return Err(entry_error(
                StatusCode::UNPROCESSABLE_ENTITY,
                "ENTRY_COMPRESSION_RATIO",
                &name,
                &format!(
                    "compression ratio {}:1 is over {}:1 (zip bomb?)",
                    size / csize.max(1),
                    limits.max_compression_ratio
                ),
            ));
        }
        declared_total = declared_total.saturating_add(size);
        if declared_total > limits.max_uncompressed_bytes {
            return Err(archive_too_large(limits));
        }
        if plan.len() >= limits.max_files {
            return Err(too_many_files(limits));
        }
        plan.push((i, name));
    }
    // Pass 2: inflate, never trusting the declared sizes.
    let mut files = Vec::with_capacity(plan.len());
    let mut actual_total = 0u64;
    for (k, (i, name)) in plan.into_iter().enumerate() {
        let entry = zip.by_index(i).map_err(|e| {
            entry_error(
                StatusCode::BAD_REQUEST,
                "ENTRY_UNREADABLE",
                &name,
                &e.to_string(),
            )
        })?;
        let path = dir.join(format!("z{k:06}.pdf"));
        let (sha, len, head) = inflate_to(entry, &path, &name, limits.max_file_bytes)?;
        actual_total += len;
        if actual_total > limits.max_uncompressed_bytes {
            return Err(archive_too_large(limits));
        }
        check_pdf_head(&name, &head, len)?;
        files.push(Staged {
            name,
            path,
            sha256: sha,
        });
    }
    let manifest = match manifest_idx {
        Some(i) => {
            let mut out = Vec::new();
            zip.by_index(i)
                .map_err(|e| ApiError::bad_request("MANIFEST_INVALID", e.to_string()))?
                .take(MAX_MANIFEST_BYTES as u64 + 1)
                .read_to_end(&mut out)
                .map_err(|e| ApiError::bad_request("MANIFEST_INVALID", e.to_string()))?;
            Some(out)
        }
        None => None,
    };
    Ok((files, skipped, manifest))
}

fn inflate_to(
    entry: impl Read,
    path: &Path,
    name: &str,
    max: u64,
) -> Result<(String, u64, Vec<u8>), ApiError> {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    let mut reader = entry.take(max + 1);
    let mut tally = Tally::new();
    let mut buf = vec![0u8; 64 << 10];
    loop {
        let n = reader.read(&mut buf).map_err(|e| {
            entry_error(
                StatusCode::BAD_REQUEST,
                "ENTRY_UNREADABLE",
                name,
                &e.to_string(),
            )
        })?;
        if n == 0 {
            break;
        }
        if tally.add(&buf[..n]) > max {
            return Err(entry_error(
                StatusCode::PAYLOAD_TOO_LARGE,
                "FILE_TOO_LARGE",
                name,
                "the entry inflates past the per-file limit",
            ));
        }
        out.write_all(&buf[..n])?;
    }
    // Flushed, not fsynced: see `stream_to`.
    out.into_inner().map_err(|e| e.into_error())?;
    Ok(tally.finish())
}

/// Parses `manifest.csv`: a header `file,reference`, then one row per filing. Every row must
/// name a file of the batch (by its name or its last path component) once, with a reference of
/// at most 200 characters. Quoted fields (`"a,b"`) are understood.
fn parse_manifest(bytes: &[u8], files: &[Staged]) -> Result<HashMap<String, String>, ApiError> {
    let bad = |line: usize, why: &str| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "MANIFEST_INVALID",
            format!("manifest.csv line {line}: {why}"),
        )
        .with_details(serde_json::json!({ "line": line }))
    };
    let text = utf8_or_gbk(bytes);
    let text = text.trim_start_matches('\u{feff}');
    let mut by_name: HashMap<&str, &str> = HashMap::new();
    let mut by_base: HashMap<&str, Option<&str>> = HashMap::new();
    for f in files {
        by_name.insert(&f.name, &f.name);
        let base = f.name.rsplit('/').next().unwrap_or(&f.name);
        by_base
            .entry(base)
            .and_modify(|v| *v = None)
            .or_insert(Some(&f.name));
    }
    let mut out = HashMap::new();
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty());
    let Some((_, header)) = lines.next() else {
        return Err(bad(
            1,
            "empty manifest; expected the header `file,reference`",
        ));
    };
    let head = split_csv(header).ok_or_else(|| bad(1, "unbalanced quotes"))?;
    let head: Vec<String> = head.iter().map(|h| h.trim().to_ascii_lowercase()).collect();
    if head != ["file", "reference"] {
        return Err(bad(1, "the header must be `file,reference`"));
    }
    for (i, line) in lines {
        let n = i + 1;
        let cols = split_csv(line).ok_or_else(|| bad(n, "unbalanced quotes"))?;
        let [file, reference] = cols.as_slice() else {
            return Err(bad(n, &format!("{} columns; expected 2", cols.len())));
        };
        let (file, reference) = (file.trim(), reference.trim());
        if reference.is_empty() || reference.chars().count() > 200 {
            return Err(bad(n, "the reference must have 1 to 200 characters"));
        }
        let name = match by_name.get(file) {
            Some(n) => *n,
            None => match by_base.get(file) {
                Some(Some(n)) => *n,
                Some(None) => return Err(bad(n, "the file name is ambiguous; give its path")),
                None => return Err(bad(n, "names no file of this batch")),
            },
        };
        if out.insert(name.to_owned(), reference.to_owned()).is_some() {
            return Err(bad(n, "the file is listed twice"));
        }
    }
    Ok(out)
}

/// Splits one CSV line; `None` on unbalanced quotes.
fn split_csv(line: &str) -> Option<Vec<String>> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            ('"', q) => quoted = !q,
            (',', false) => out.push(std::mem::take(&mut cur)),
            (c, _) => cur.push(c),
        }
    }
    if quoted {
        return None;
    }
    out.push(cur);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn staged(names: &[&str]) -> Vec<Staged> {
        names
            .iter()
            .map(|n| Staged {
                name: (*n).into(),
                path: PathBuf::new(),
                sha256: String::new(),
            })
            .collect()
    }

    #[test]
    fn manifest_rows_map_to_files() {
        let files = staged(&["a/1.pdf", "2.pdf"]);
        let m = parse_manifest(
            "\u{feff}file,reference\n1.pdf,\"XY-1, 第一\"\n2.pdf,R2\n".as_bytes(),
            &files,
        )
        .unwrap();
        assert_eq!(m.get("a/1.pdf").map(String::as_str), Some("XY-1, 第一"));
        assert_eq!(m.get("2.pdf").map(String::as_str), Some("R2"));
    }

    #[test]
    fn bad_manifests_say_which_line() {
        let files = staged(&["1.pdf"]);
        for (csv, want) in [
            ("name,ref\n", "line 1"),
            ("file,reference\n9.pdf,R\n", "line 2: names no file"),
            (
                "file,reference\n1.pdf,R\n1.pdf,S\n",
                "line 3: the file is listed twice",
            ),
            ("file,reference\n1.pdf\n", "line 2: 1 columns"),
            ("file,reference\n\"1.pdf,R\n", "unbalanced"),
        ] {
            let e = parse_manifest(csv.as_bytes(), &files).unwrap_err();
            assert_eq!(e.code, "MANIFEST_INVALID");
            assert!(e.message.contains(want), "{csv:?}: {}", e.message);
        }
    }

    #[test]
    fn zip_slip_names_are_unsafe() {
        for n in [
            "../x.pdf",
            "/etc/x.pdf",
            "C:/x.pdf",
            "a/../../x.pdf",
            "a\\..\\x.pdf",
        ] {
            assert!(unsafe_path(n), "{n}");
        }
        assert!(!unsafe_path("a/b/起诉状.pdf"));
    }
}
