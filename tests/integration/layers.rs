//! The layers of `src/` import one way only (ARCHITECTURE.md): a module may name through
//! `crate::` only modules of a lower layer. The graph is read from the code's own `use` lines
//! and paths, as `../shared/tools/layers.py` does (test files and everything after
//! `#[cfg(test)]` excluded). See #9.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Each top-level module of `src/` and its layer, ground first.
const LAYERS: &[(&str, u32)] = &[
    ("error", 0),
    ("config", 1),
    ("data", 2),
    ("calendar", 3),
    ("models", 3),
    ("limits", 4),
    ("stats", 5),
    ("result", 6),
    ("study", 7),
    ("chart", 8),
    ("report", 9),
    ("cli", 9),
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

fn is_test_file(name: &str) -> bool {
    name.ends_with("_tests.rs")
        || name.ends_with("_test.rs")
        || name == "tests.rs"
        || name == "proptests.rs"
}

/// The top-level modules named through `crate::` in production code of `text`.
fn named_modules(text: &str) -> BTreeSet<String> {
    let code = text.split("#[cfg(test)]").next().unwrap_or("");
    let mut names = BTreeSet::new();
    for line in code.lines() {
        let line = line.split("//").next().unwrap_or("");
        let mut rest = line;
        while let Some(i) = rest.find("crate::") {
            rest = &rest[i + "crate::".len()..];
            if let Some(group) = rest.strip_prefix('{') {
                for part in group.split(',') {
                    let name: String = part
                        .trim()
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    names.insert(name);
                }
            } else {
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                names.insert(name);
            }
        }
    }
    names
}

fn import_graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let layer: BTreeMap<&str, u32> = LAYERS.iter().copied().collect();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for f in files {
        let rel = f.strip_prefix(&src).unwrap();
        let top = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_string();
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        if top == "lib" || top == "main" || is_test_file(&name) {
            continue;
        }
        let text = std::fs::read_to_string(&f).unwrap();
        let deps = graph.entry(top.clone()).or_default();
        for m in named_modules(&text) {
            if m != top && layer.contains_key(m.as_str()) {
                deps.insert(m);
            }
        }
    }
    graph
}

#[test]
fn every_top_level_module_has_a_layer() {
    let graph = import_graph();
    let known: BTreeSet<&str> = LAYERS.iter().map(|(m, _)| *m).collect();
    for m in graph.keys() {
        assert!(
            known.contains(m.as_str()),
            "src/{m} has no layer in tests/integration/layers.rs and ARCHITECTURE.md"
        );
    }
}

#[test]
fn modules_import_only_lower_layers() {
    let layer: BTreeMap<&str, u32> = LAYERS.iter().copied().collect();
    let mut wrong = Vec::new();
    for (m, deps) in import_graph() {
        let own = layer.get(m.as_str()).copied().unwrap_or(u32::MAX);
        for d in deps {
            if layer[d.as_str()] >= own {
                wrong.push(format!(
                    "{m} (layer {own}) -> {d} (layer {})",
                    layer[d.as_str()]
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "imports against the layers: {wrong:#?}");
}

#[test]
fn the_parser_reads_grouped_and_inline_paths() {
    let text = "use crate::{config::Window, error::Error};\nfn f() { crate::data::x(); }\n// crate::chart\n#[cfg(test)]\nuse crate::report;";
    let names = named_modules(text);
    let want: BTreeSet<String> = ["config", "error", "data"].map(String::from).into();
    assert_eq!(names, want);
}
