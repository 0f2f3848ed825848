//! The service configuration: a TOML file (`--config fincase.toml`) plus environment
//! (`DATABASE_URL`, `FINCASE_ADMIN_TOKEN`, `FINCASE_METRICS_TOKEN`), with defaults for
//! everything. The environment wins over the file (secrets stay out of files).

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
    /// A token that may read `/metrics` (besides admin tokens), for a Prometheus scraper
    /// (`bearer_token` in its scrape config). `FINCASE_METRICS_TOKEN` overrides it.
    pub metrics_token: Option<String>,
    /// Serve `/metrics` without a token. Default false: the counters reveal intake volumes
    /// per route; open it only where the port is reachable from an internal network alone.
    pub public_metrics: bool,
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

    /// Applies `DATABASE_URL`, `FINCASE_ADMIN_TOKEN` and `FINCASE_METRICS_TOKEN` from the
    /// environment.
    pub fn apply_env(&mut self) {
        self.apply_env_from(|k| std::env::var(k).ok());
    }

    /// Applies the same overrides from `lookup` (the environment, or a map in tests). Empty or
    /// blank values are ignored.
    pub fn apply_env_from(&mut self, lookup: impl Fn(&str) -> Option<String>) {
        let get = |k: &str| lookup(k).filter(|v| !v.trim().is_empty());
        if let Some(url) = get("DATABASE_URL") {
            self.database_url = Some(url);
        }
        if let Some(t) = get("FINCASE_ADMIN_TOKEN") {
            self.admin_token = Some(t);
        }
        if let Some(t) = get("FINCASE_METRICS_TOKEN") {
            self.metrics_token = Some(t);
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

    #[test]
    fn environment_overrides_the_file() {
        let mut c = ServiceConfig::from_toml(
            "database_url = \"sqlite-from-file\"\nadmin_token = \"file-admin\"\n\
             metrics_token = \"file-metrics\"\npublic_metrics = true\n",
        )
        .unwrap();
        assert!(c.public_metrics);
        assert_eq!(c.metrics_token.as_deref(), Some("file-metrics"));
        let env: std::collections::HashMap<&str, &str> = [
            ("DATABASE_URL", "postgres://db/x"),
            ("FINCASE_ADMIN_TOKEN", "env-admin"),
            ("FINCASE_METRICS_TOKEN", "  "),
        ]
        .into();
        c.apply_env_from(|k| env.get(k).map(|v| (*v).to_owned()));
        assert_eq!(c.database_url.as_deref(), Some("postgres://db/x"));
        assert_eq!(c.admin_token.as_deref(), Some("env-admin"));
        // Blank values do not erase what the file says.
        assert_eq!(c.metrics_token.as_deref(), Some("file-metrics"));
        // Defaults: metrics need a token, nothing is set.
        let d = ServiceConfig::from_toml("").unwrap();
        assert!(!d.public_metrics && d.metrics_token.is_none() && d.database_url.is_none());
        assert_eq!(d, ServiceConfig::default());
    }
}
