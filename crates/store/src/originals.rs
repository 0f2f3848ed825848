//! Content-addressed store of original PDFs on disk: `<dir>/<sha256[0..2]>/<sha256>.pdf`.
//!
//! The service's intake ([`OriginalStore::adopt`]) makes what it stores durable before the
//! database rows that name it are committed: each file is fsynced before its rename, and every
//! folder whose entries changed is fsynced after, so an OS crash after the 202 cannot leave a
//! filing whose original is gone. The command-line batch ([`OriginalStore::put`]) does not: a
//! batch cut short is simply run again.

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
