//! Content-addressed store of original PDFs on disk: `<dir>/<sha256[0..2]>/<sha256>.pdf`.
//!
//! The service's intake ([`OriginalStore::adopt`]) makes what it stores durable before the
//! database rows that name it are committed: each file is fsynced before its rename, and every
//! folder whose entries changed is fsynced after, so an OS crash after the 202 cannot leave a
//! filing whose original is gone. The command-line batch ([`OriginalStore::put`]) does not: a
//! batch cut short is simply run again.

use super::{Store, StoreError, db_query, tx_query};
use sqlx::Row;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Original filings on disk, keyed by the SHA-256 of their bytes.
#[derive(Debug, Clone)]
pub struct OriginalStore {
    dir: PathBuf,
}

impl OriginalStore {
    /// A store rooted at `dir` (created on first write).
    pub fn new(dir: &Path) -> OriginalStore {
        OriginalStore {
            dir: dir.to_owned(),
        }
    }

    /// The hex SHA-256 of `bytes`.
    pub fn hash(bytes: &[u8]) -> String {
        fincase_core::domain::sha256_hex(bytes)
    }

    /// Where the original with this hash lives.
    pub fn path_of(&self, sha256: &str) -> PathBuf {
        let prefix = sha256.get(..2).unwrap_or("xx");
        self.dir.join(prefix).join(format!("{sha256}.pdf"))
    }

    /// Stores `bytes` (once: an existing file with the same hash is kept) and returns the hash.
    /// Writes to a temporary name and renames, so a crash never leaves a partial original.
    pub fn put(&self, bytes: &[u8]) -> std::io::Result<String> {
        let sha = Self::hash(bytes);
        let path = self.path_of(&sha);
        if path.exists() {
            return Ok(sha);
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let tmp = path.with_extension(format!("tmp{}", std::process::id()));
        std::fs::write(&tmp, bytes)?;
        std::fs::rename(&tmp, &path)?;
        Ok(sha)
    }

    /// Moves staged files into the store, each under its SHA-256, durably: each file is
    /// fsynced and renamed into place (an original already stored is kept and the staged copy
    /// removed), then every folder that gained an entry is fsynced, once per call. The staged
    /// files must be on the same file system (a rename). Blocking.
    pub fn adopt<P: AsRef<Path>, S: AsRef<str>>(&self, files: &[(P, S)]) -> std::io::Result<()> {
        let mut changed = BTreeSet::new();
        if !self.dir.exists() {
            std::fs::create_dir_all(&self.dir)?;
            changed.extend(self.dir.parent().map(Path::to_owned));
        }
        for (tmp, sha) in files {
            let (tmp, dest) = (tmp.as_ref(), self.path_of(sha.as_ref()));
            if dest.exists() {
                std::fs::remove_file(tmp)?;
                continue;
            }
            let folder = dest.parent().unwrap_or(&self.dir);
            if !folder.exists() {
                std::fs::create_dir_all(folder)?;
                changed.insert(self.dir.clone());
            }
            std::fs::File::open(tmp)?.sync_all()?;
            std::fs::rename(tmp, &dest)?;
            changed.insert(folder.to_owned());
        }
        for folder in &changed {
            std::fs::File::open(folder)?.sync_all()?;
        }
        Ok(())
    }

    /// Reads an original back.
    pub fn get(&self, sha256: &str) -> std::io::Result<Vec<u8>> {
        std::fs::read(self.path_of(sha256))
    }
}

/// Originals kept in the database (PostgreSQL) or through [`OriginalStore`] (SQLite).
impl Store {
    /// Stores an original from a file already on disk, whose SHA-256 the caller computed while
    /// writing it; `tmp` is consumed. See [`Store::put_original_files`].
    pub async fn put_original_file(&self, tmp: &Path, sha256: &str) -> Result<(), StoreError> {
        self.put_original_files(&[(tmp, sha256)]).await
    }

    /// Stores an upload's originals, durably once this returns (before the batch that names
    /// them is admitted). On disk (SQLite): moved into the content-addressed tree, each file and
    /// each changed folder fsynced ([`adopt`](super::OriginalStore::adopt), on a blocking thread). In the
    /// database otherwise, a transaction per 100 files or 16 MiB (one commit per file cost a
    /// 1,000-file upload to PostgreSQL about 3 s of commits; BENCHMARKS.md, "Service"); each
    /// file is removed once its transaction committed. The staged files are consumed either way.
    pub async fn put_original_files(&self, files: &[(&Path, &str)]) -> Result<(), StoreError> {
        if let Some(dir) = &self.originals {
            let dir = dir.clone();
            let owned: Vec<(PathBuf, String)> = files
                .iter()
                .map(|(p, s)| (p.to_path_buf(), (*s).to_owned()))
                .collect();
            return tokio::task::spawn_blocking(move || dir.adopt(&owned))
                .await
                .map_err(std::io::Error::other)?
                .map_err(StoreError::from);
        }
        const MAX_FILES: usize = 100;
        const MAX_BYTES: usize = 16 << 20;
        let mut rest = files;
        while !rest.is_empty() {
            let (mut blobs, mut bytes) = (Vec::new(), 0usize);
            while blobs.len() < rest.len() && blobs.len() < MAX_FILES && bytes < MAX_BYTES {
                let b = tokio::fs::read(rest[blobs.len()].0).await?;
                bytes += b.len();
                blobs.push(b);
            }
            let (chunk, tail) = rest.split_at(blobs.len());
            super::in_tx!(&self.db, |tx, pg| {
                for ((_, sha), b) in chunk.iter().zip(&blobs) {
                    tx_query!(
                        pg,
                        tx,
                        "INSERT INTO originals (sha256, bytes) VALUES (?, ?)
                         ON CONFLICT (sha256) DO NOTHING",
                        [*sha, b],
                        execute
                    )?;
                }
                Ok(())
            })?;
            for (tmp, _) in chunk {
                tokio::fs::remove_file(tmp).await?;
            }
            rest = tail;
        }
        Ok(())
    }

    /// Reads an original back (`None` when it is not stored).
    pub async fn original(&self, sha256: &str) -> Result<Option<Vec<u8>>, StoreError> {
        match &self.originals {
            Some(dir) => match std::fs::read(dir.path_of(sha256)) {
                Ok(b) => Ok(Some(b)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(e.into()),
            },
            None => Ok(db_query!(
                &self.db,
                "SELECT bytes FROM originals WHERE sha256 = ?",
                [sha256],
                fetch_optional,
                |row| row.map(|r| r.get::<Vec<u8>, _>("bytes"))
            )?),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn put_is_idempotent_and_content_addressed() {
        let dir = tempfile::tempdir().unwrap();
        let s = OriginalStore::new(dir.path());
        let a = s.put(b"%PDF-1.7 a").unwrap();
        let again = s.put(b"%PDF-1.7 a").unwrap();
        assert_eq!(a, again);
        assert_eq!(s.get(&a).unwrap(), b"%PDF-1.7 a");
        assert_ne!(s.put(b"%PDF-1.7 b").unwrap(), a);
    }

    #[test]
    fn adopt_moves_staged_files_in_once() {
        let dir = tempfile::tempdir().unwrap();
        let s = OriginalStore::new(&dir.path().join("originals"));
        let staged = |name: &str, bytes: &[u8]| {
            let p = dir.path().join(name);
            std::fs::write(&p, bytes).unwrap();
            (p, OriginalStore::hash(bytes))
        };
        let (a, b) = (staged("a.tmp", b"%PDF a"), staged("b.tmp", b"%PDF b"));
        s.adopt(&[a.clone(), b.clone()]).unwrap();
        assert_eq!(s.get(&a.1).unwrap(), b"%PDF a");
        assert_eq!(s.get(&b.1).unwrap(), b"%PDF b");
        assert!(!a.0.exists() && !b.0.exists(), "staged copies are moved");
        // The same bytes again: the stored original is kept, the staged copy removed.
        let again = staged("c.tmp", b"%PDF a");
        s.adopt(std::slice::from_ref(&again)).unwrap();
        assert!(!again.0.exists());
        assert_eq!(s.get(&a.1).unwrap(), b"%PDF a");
    }
}
