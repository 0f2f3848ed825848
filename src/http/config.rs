//! The service configuration: a TOML file (`--config fincase.toml`) plus environment
//! (`DATABASE_URL`, `FINCASE_ADMIN_TOKEN`), with defaults for everything.

use serde::Deserialize;
use std::path::PathBuf;

/// Upload limits, enforced while streaming (see `intake`).
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// Largest PDF (one file or one zip entry). Default 64 MiB.
    pub max_file_bytes: u64,
    /// Largest upload (all files, or the zip as sent). Default 2 GiB.
    pub max_batch_bytes: u64,
    /// Most PDFs in one batch. Default 20,000.
    pub max_files: usize,
    /// Most entries in one zip (folders and metadata included). Default 25,000.
    pub max_zip_entries: usize,
    /// Largest total a zip may inflate to. Default 4 GiB.
    pub max_uncompressed_bytes: u64,
    /// Highest compression ratio of one entry (above: a zip bomb). Default 200.
    pub max_compression_ratio: u64,
    /// Entries smaller than this are exempt from the ratio check. Default 64 KiB.
    pub ratio_floor_bytes: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_file_bytes: 64 << 20,
            max_batch_bytes: 2 << 30,
            max_files: 20_000,
            max_zip_entries: 25_000,
            max_uncompressed_bytes: 4 << 30,
            max_compression_ratio: 200,
            ratio_floor_bytes: 64 << 10,
        }
    }
}

/// Queue workers.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct WorkersConfig {
    /// Worker tasks inside `fincase serve` (0: the API node runs no workers). Default 1.
    pub in_process: usize,
    /// Lease length in seconds. Default 300.
    pub lease_secs: u64,
    /// Claims per job before a permanent failure. Default 5.
    pub max_attempts: i64,
    /// First retry delay in milliseconds (doubles per attempt). Default 2,000.
    pub backoff_base_ms: u64,
}

impl Default for WorkersConfig {
    fn default() -> WorkersConfig {
        WorkersConfig {
            in_process: 1,
            lease_secs: 300,
            max_attempts: 5,
            backoff_base_ms: 2_000,
        }
    }
}

/// Everything `fincase serve` and `fincase worker` read.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct ServiceConfig {
    /// `postgres://…` for PostgreSQL; absent: SQLite at `<index>/cases.db`. `DATABASE_URL`
    /// overrides it.
    pub database_url: Option<String>,
    /// Court rules settings (TOML file), as for `fincase process --rules`.
    pub rules: Option<PathBuf>,
    /// A bootstrap admin token (stored hashed at start). `FINCASE_ADMIN_TOKEN` overrides it.
    pub admin_token: Option<String>,
    /// Upload limits.
    pub limits: Limits,
    /// Queue workers.
    pub workers: WorkersConfig,
}

/// A configuration file that cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("service configuration: {0}")]
pub struct ConfigError(String);

impl ServiceConfig {
    /// Parses a TOML configuration (unknown keys are errors: a typo must not pass silently).
    pub fn from_toml(s: &str) -> Result<ServiceConfig, ConfigError> {
        toml::from_str(s).map_err(|e| ConfigError(e.to_string()))
    }

    /// Applies `DATABASE_URL` and `FINCASE_ADMIN_TOKEN` from the environment.
    pub fn apply_env(&mut self) {
        if let Ok(url) = std::env::var("DATABASE_URL")
            && !url.trim().is_empty()
        {
            self.database_url = Some(url);
        }
        if let Ok(t) = std::env::var("FINCASE_ADMIN_TOKEN")
            && !t.trim().is_empty()
        {
            self.admin_token = Some(t);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_overrides_defaults_and_rejects_typos() {
        let c = ServiceConfig::from_toml("[limits]\nmax_files = 10\n[workers]\nin_process = 0\n")
            .unwrap();
        assert_eq!(c.limits.max_files, 10);
        assert_eq!(c.limits.max_file_bytes, 64 << 20);
        assert_eq!(c.workers.in_process, 0);
        assert!(ServiceConfig::from_toml("[limits]\nmax_filez = 1\n").is_err());
    }
}
