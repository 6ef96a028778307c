//! The repository stands on its own: no product file points at a document
//! outside it, every `docs/*.md` a file names exists, and `docs/config.md`
//! lists every key of the config schema.

use std::path::{Path, PathBuf};

use vixhedge::config::schema::{key_paths, Section};
use vixhedge::config::Config;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else if p
            .extension()
            .is_some_and(|x| ["rs", "wgsl", "toml", "md", "sh"].contains(&x.to_str().unwrap_or("")))
        {
            out.push(p);
        }
    }
}

fn product_files() -> Vec<PathBuf> {
    let mut out = vec![root().join("README.md"), root().join("Cargo.toml")];
    for d in [
        "src", "shaders", "scripts", "presets", "benches", "examples", "docs", "tests", ".ci",
    ] {
        files(&root().join(d), &mut out);
    }
    out
}

#[test]
fn no_file_points_outside_the_repository() {
    // Spelled in pieces so this file does not match itself.
    let needles = [
        format!("{}.md", "DESIGN"),
        format!("../{}", "shared"),
        format!("/work/{}", "shared"),
    ];
    for f in product_files() {
        let text = std::fs::read_to_string(&f).unwrap_or_default();
        for n in &needles {
            assert!(!text.contains(n.as_str()), "{} mentions {n}", f.display());
        }
    }
}

#[test]
fn every_named_doc_exists() {
    // Written on other branches; linked from docs/README.md ahead of them.
    let elsewhere = ["history.md", "slurm.md"];
    for f in product_files() {
        let text = std::fs::read_to_string(&f).unwrap_or_default();
        for (i, _) in text.match_indices("docs/") {
            let name: String = text[i + 5..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-' || *c == '.')
                .collect();
            let Some(name) = name.strip_suffix(".md").map(|n| format!("{n}.md")) else {
                continue;
            };
            if elsewhere.contains(&name.as_str()) {
                continue;
            }
            assert!(
                root().join("docs").join(&name).is_file(),
                "{} names docs/{name}, which does not exist",
                f.display()
            );
        }
    }
}

#[test]
fn the_config_reference_lists_every_key() {
    let doc = std::fs::read_to_string(root().join("docs/config.md")).unwrap();
    for (key, field) in key_paths(Config::FIELDS, "") {
        let name = key.rsplit(['.', ']']).next().unwrap();
        let shown = if key.contains(".strike.") {
            format!("| `strike.{name}` |")
        } else {
            format!("| `{name}` |")
        };
        assert!(doc.contains(&shown), "docs/config.md lacks {key}");
        assert!(
            doc.contains(&field.meaning()),
            "docs/config.md: the meaning of {key} is stale"
        );
    }
}
