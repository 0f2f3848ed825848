//! The structure ARCHITECTURE.md promises, checked from the source: no import cycle between the
//! files of any crate, the core's top-level modules in one direction, and the crates' own
//! dependencies running one way (the core never depends on the fixture generator, tokio, a
//! database or the HTTP stack).
//!
//! Imports are read as text: every `crate::a::b` and `super::…` path outside `#[cfg(test)]`
//! code names the file of the longest module prefix it reaches. An import between a module and
//! its own ancestor (a parent re-exporting its child, a child using its parent's items) is the
//! module tree itself, not a dependency, and is left out.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// A crate's modules: module path (`extract::tagger::combine`, `` for the root) → file.
fn modules(src: &Path) -> BTreeMap<String, PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    let mut files = Vec::new();
    walk(src, &mut files);
    let mut out = BTreeMap::new();
    for f in files {
        let rel = f.strip_prefix(src).unwrap().with_extension("");
        let mut parts: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        if matches!(
            parts.last().map(String::as_str),
            Some("mod" | "lib" | "main")
        ) {
            parts.pop();
        }
        // Test-only files (`#[cfg(test)] mod tests;`) are not part of the dependency graph.
        if parts
            .last()
            .is_some_and(|p| p == "tests" || p.ends_with("_tests"))
        {
            continue;
        }
        out.insert(parts.join("::"), f);
    }
    out
}

/// The module of `from` reached by the path `path` (`crate::…` or `super::…`), if it names one.
fn target(mods: &BTreeMap<String, PathBuf>, from: &str, path: &str) -> Option<String> {
    let mut segs: Vec<&str> = path.split("::").collect();
    let mut base: Vec<&str> = if segs[0] == "crate" {
        segs.remove(0);
        Vec::new()
    } else {
        from.split("::").filter(|s| !s.is_empty()).collect()
    };
    while segs.first() == Some(&"super") {
        segs.remove(0);
        base.pop();
    }
    let mut best = None;
    for i in 0..=segs.len() {
        let mut m = base.clone();
        m.extend_from_slice(&segs[..i]);
        let name = m.join("::");
        if mods.contains_key(&name) {
            best = Some(name);
        }
    }
    best
}

fn is_ancestor(a: &str, b: &str) -> bool {
    a.is_empty() || b.starts_with(&format!("{a}::"))
}

/// The import edges between a crate's modules (module → modules it uses).
fn edges(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mods = modules(src);
    let path_re = regex::Regex::new(r"\b(crate|super)((?:::\w+)+)").unwrap();
    let brace_re = regex::Regex::new(r"\b(crate|super)((?:::\w+)*)::\{([^}]*)\}").unwrap();
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (name, file) in &mods {
        let text = std::fs::read_to_string(file).unwrap();
        let code = text.split("#[cfg(test)]").next().unwrap_or("");
        let code: String = code
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        let mut paths: Vec<String> = path_re
            .captures_iter(&code)
            .map(|c| format!("{}{}", &c[1], &c[2]))
            .collect();
        for c in brace_re.captures_iter(&code) {
            for item in c[3].split(',') {
                let item = item.split_whitespace().next().unwrap_or("");
                if !item.is_empty() && item != "self" {
                    paths.push(format!("{}{}::{item}", &c[1], &c[2]));
                }
            }
        }
        for p in paths {
            if let Some(t) = target(&mods, name, &p)
                && t != *name
                && !is_ancestor(&t, name)
                && !is_ancestor(name, &t)
            {
                out.entry(name.clone()).or_default().insert(t);
            }
        }
        out.entry(name.clone()).or_default();
    }
    out
}

/// A cycle in `g`, as the list of its modules, if there is one.
fn find_cycle(g: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        n: &str,
        g: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, u8>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        state.insert(n.to_owned(), 1);
        stack.push(n.to_owned());
        for m in g.get(n).into_iter().flatten() {
            match state.get(m.as_str()).copied().unwrap_or(0) {
                1 => {
                    let i = stack.iter().position(|x| x == m).unwrap();
                    return Some(stack[i..].to_vec());
                }
                0 => {
                    if let Some(c) = visit(m, g, state, stack) {
                        return Some(c);
                    }
                }
                _ => {}
            }
        }
        stack.pop();
        state.insert(n.to_owned(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for n in g.keys() {
        if state.get(n.as_str()).copied().unwrap_or(0) == 0
            && let Some(c) = visit(n, g, &mut state, &mut Vec::new())
        {
            return Some(c);
        }
    }
    None
}

fn crate_dirs() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(Path::new(ROOT).join("crates"))
        .unwrap()
        .map(|e| e.unwrap().path().join("src"))
        .collect();
    dirs.push(Path::new(ROOT).join("src"));
    dirs.sort();
    dirs
}

#[test]
fn no_import_cycle_between_the_files_of_any_crate() {
    let mut checked = 0;
    for src in crate_dirs() {
        let g = edges(&src);
        checked += g.len();
        if let Some(c) = find_cycle(&g) {
            panic!("{}: import cycle {}", src.display(), c.join(" → "));
        }
    }
    assert!(checked > 100, "only {checked} modules read");
}

#[test]
fn the_core_modules_depend_one_way() {
    // Lower layers first; a module may use only modules at its own layer or below it.
    let layers: [&[&str]; 6] = [
        &["domain", "tokenizer"],
        &["ingest"],
        &["extract"],
        &["rules"],
        &["draft", "ml", "eval", "lifecycle"],
        &["backtest"],
    ];
    let layer = |m: &str| {
        let top = m.split("::").next().unwrap_or(m);
        layers.iter().position(|l| l.contains(&top))
    };
    let g = edges(&Path::new(ROOT).join("crates/core/src"));
    let mut seen = 0;
    for (from, tos) in &g {
        let Some(lf) = layer(from) else { continue };
        for to in tos {
            let Some(lt) = layer(to) else { continue };
            let (a, b) = (from.split("::").next(), to.split("::").next());
            if a != b {
                seen += 1;
                assert!(lt <= lf, "{from} (layer {lf}) uses {to} (layer {lt})");
            }
        }
    }
    assert!(seen > 20, "only {seen} imports between top-level modules");
}

/// The workspace crates a crate's Cargo.toml depends on (normal dependencies only).
fn deps_of(manifest: &Path) -> BTreeSet<String> {
    let text = std::fs::read_to_string(manifest).unwrap();
    let mut out = BTreeSet::new();
    let mut in_deps = false;
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_deps = line == "[dependencies]";
            continue;
        }
        if in_deps && let Some(name) = line.split(['.', '=', ' ']).next().filter(|n| !n.is_empty())
        {
            out.insert(name.to_owned());
        }
    }
    out
}

#[test]
fn crates_depend_one_way_and_the_core_stays_pure() {
    let order = [
        "fincase-pdf",
        "fincase-core",
        "fincase-fixtures",
        "fincase-store",
        "fincase-pipeline",
        "fincase-http",
    ];
    let dir = |name: &str| {
        Path::new(ROOT)
            .join("crates")
            .join(name.trim_start_matches("fincase-"))
    };
    for (i, name) in order.iter().enumerate() {
        let deps = deps_of(&dir(name).join("Cargo.toml"));
        for later in &order[i + 1..] {
            assert!(
                !deps.contains(*later),
                "{name} depends on {later}, above it"
            );
        }
    }
    let core = deps_of(&dir("fincase-core").join("Cargo.toml"));
    for banned in [
        "fincase-fixtures",
        "tokio",
        "sqlx",
        "axum",
        "tantivy",
        "tower",
    ] {
        assert!(!core.contains(banned), "fincase-core depends on {banned}");
    }
    let pdf = deps_of(&dir("fincase-pdf").join("Cargo.toml"));
    assert!(
        pdf.iter().all(|d| !d.starts_with("fincase")),
        "fincase-pdf depends on {pdf:?}"
    );
}
