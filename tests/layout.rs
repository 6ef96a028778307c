//! The crate's shape: the library's top-level modules import each other
//! without cycles, in the layer order that src/lib.rs documents.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The library's top-level modules, lowest layer first (src/lib.rs). A
/// module may import only modules before it; `cpu` and `gpu` share a layer
/// and do not import each other.
const LAYERS: &[&[&str]] = &[
    &["shared"],
    &["model"],
    &["config"],
    &["strategy"],
    &["report"],
    &["study"],
    &["cpu", "gpu"],
    &["backend"],
    &["montecarlo"],
    &["bench", "validate", "sweep", "history"],
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("reading src") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Top-level module -> the top-level modules its files name as `crate::m`.
fn imports() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in files {
        let rel = file.strip_prefix(&src).expect("under src");
        let first = rel.components().next().expect("a component");
        let top = first
            .as_os_str()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_string();
        // The binary's own modules import the library as `vixhedge::`.
        if ["main", "lib", "cli", "commands"].contains(&top.as_str()) {
            continue;
        }
        let text = std::fs::read_to_string(&file).expect("reading a source file");
        let deps = graph.entry(top.clone()).or_default();
        // Code only: doc comments may point anywhere.
        let code: String = text
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        for (i, _) in code.match_indices("crate::") {
            let name: String = code[i + 7..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() && name != top {
                deps.insert(name);
            }
        }
    }
    graph
}

#[test]
fn modules_import_only_lower_layers() {
    let layer_of = |m: &str| LAYERS.iter().position(|l| l.contains(&m));
    let graph = imports();
    let mut bad = Vec::new();
    for (module, deps) in &graph {
        let Some(own) = layer_of(module) else {
            bad.push(format!("{module} is not in the layer list"));
            continue;
        };
        for d in deps {
            match layer_of(d) {
                Some(l) if l < own => {}
                _ => bad.push(format!("{module} imports {d}")),
            }
        }
    }
    assert!(
        bad.is_empty(),
        "layering violations: {bad:?}\ngraph: {graph:?}"
    );
    // The check sees real imports: the layers above `shared` all use it.
    assert!(graph["model"].contains("shared") && graph["backend"].contains("gpu"));
}
