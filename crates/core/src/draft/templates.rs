//! A court's template overrides: a folder of minijinja templates that replace the built-in
//! ones per document kind, loaded once and shared by every draft of a batch.
//!
//! A file `<kind>.<version>.html.j2` (kind: `judgment`, `payment_order` or `notice`, e.g.
//! `judgment.hz-xihu.v1.html.j2`) overrides that kind; kinds without a file keep the built-in
//! template. Drafts record the override's file name and the SHA-256 of its content, so a draft
//! names exactly the text that produced it. Must not: render anything (that is `render_with`),
//! or read the folder again after [`TemplateSet::load`].

use super::{DraftError, JUDGMENT_TEMPLATE, NOTICE_TEMPLATE, PAYMENT_ORDER_TEMPLATE};
use minijinja::Environment;
use std::path::{Path, PathBuf};

/// Largest template file accepted.
const MAX_TEMPLATE_BYTES: u64 = 1 << 20;

/// One override: which built-in template it replaces and what replaces it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateOverride {
    /// The built-in template it replaces ([`JUDGMENT_TEMPLATE`], …).
    pub replaces: &'static str,
    /// The override's file name (its version), e.g. `judgment.hz-xihu.v1.html.j2`.
    pub file_name: String,
    /// Where it was loaded from.
    pub path: PathBuf,
    /// SHA-256 of its content, lower-case hex.
    pub sha256: String,
}

impl TemplateOverride {
    /// What a draft records: `<file name> override sha256:<first 16 hex digits>`.
    pub fn version(&self) -> String {
        let short = self.sha256.get(..16).unwrap_or(&self.sha256);
        format!("{} override sha256:{short}", self.file_name)
    }
}

/// The overrides of one court, compiled.
pub struct TemplateSet {
    /// The folder they were loaded from.
    pub dir: PathBuf,
    /// The overrides, sorted by the template they replace.
    pub overrides: Vec<TemplateOverride>,
    pub(super) env: Environment<'static>,
}

impl std::fmt::Debug for TemplateSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TemplateSet")
            .field("dir", &self.dir)
            .field("overrides", &self.overrides)
            .finish_non_exhaustive()
    }
}

impl PartialEq for TemplateSet {
    fn eq(&self, other: &TemplateSet) -> bool {
        self.dir == other.dir && self.overrides == other.overrides
    }
}

fn kind_of(file_name: &str) -> Option<&'static str> {
    let kind = file_name.split('.').next()?;
    [JUDGMENT_TEMPLATE, PAYMENT_ORDER_TEMPLATE, NOTICE_TEMPLATE]
        .into_iter()
        .find(|t| t.split('.').next() == Some(kind))
}

impl TemplateSet {
    /// Loads and compiles every `*.html.j2` in `dir` (not recursive; other files ignored).
    /// Fails on an unreadable folder or file, a file over 1 MiB, a kind we do not draft, two
    /// files for one kind, or a template that does not compile, naming the file.
    pub fn load(dir: &Path) -> Result<TemplateSet, DraftError> {
        let fail = |path: &Path, message: String| DraftError::TemplateDir {
            path: path.display().to_string(),
            message,
        };
        let listing = std::fs::read_dir(dir).map_err(|e| fail(dir, e.to_string()))?;
        let mut files: Vec<(String, PathBuf)> = listing
            .flatten()
            .filter_map(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                (name.ends_with(".html.j2") && e.path().is_file()).then(|| (name, e.path()))
            })
            .collect();
        files.sort();
        let mut env = super::base_environment();
        let mut overrides: Vec<TemplateOverride> = Vec::new();
        for (file_name, path) in files {
            let Some(replaces) = kind_of(&file_name) else {
                return Err(fail(
                    &path,
                    "unknown kind; name it judgment.*.html.j2, payment_order.*.html.j2 or \
                     notice.*.html.j2"
                        .into(),
                ));
            };
            if let Some(other) = overrides.iter().find(|o| o.replaces == replaces) {
                return Err(fail(
                    &path,
                    format!(
                        "a second override for {replaces} (also {})",
                        other.file_name
                    ),
                ));
            }
            let len = std::fs::metadata(&path)
                .map_err(|e| fail(&path, e.to_string()))?
                .len();
            if len > MAX_TEMPLATE_BYTES {
                return Err(fail(&path, "over 1 MiB".into()));
            }
            let source = std::fs::read_to_string(&path).map_err(|e| fail(&path, e.to_string()))?;
            let sha256 = crate::domain::sha256_hex(source.as_bytes());
            env.add_template_owned(file_name.clone(), source)
                .map_err(|e| fail(&path, format!("{e:#}")))?;
            overrides.push(TemplateOverride {
                replaces,
                file_name,
                path,
                sha256,
            });
        }
        overrides.sort_by_key(|o| o.replaces);
        Ok(TemplateSet {
            dir: dir.to_owned(),
            overrides,
            env,
        })
    }

    /// The override for a built-in template, if the court has one.
    pub fn get(&self, builtin: &str) -> Option<&TemplateOverride> {
        self.overrides.iter().find(|o| o.replaces == builtin)
    }
}
