//! Content-addressed store of original PDFs on disk: `<dir>/<sha256[0..2]>/<sha256>.pdf`.

use sha2::{Digest, Sha256};
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
        Sha256::digest(bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
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
}
