//! The checklists of CONTRIBUTING.md stay true: a rule is its rule file, a
//! `mod` line in its category, a registry entry (in code order), its doc in
//! `rules/` and its fixture folder with snapshots; and what a rule knows
//! (its code, its name) appears nowhere in `src/config/`, `src/server/` or
//! `src/render/` outside their tests, so that adding a rule changes nothing
//! there.

use std::fs;
use std::path::{Path, PathBuf};

use actlint::rules::{self, Category};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Places in `src/config/`, `src/server/` and `src/render/` that still name
/// a rule, as `path: literal`. The list may only shrink: each entry is a
/// rule's knowledge that belongs in its `declare_rule!` (or a reference to
/// the rule's `META`).
const NAMED_OUTSIDE_RULES: &[&str] = &[
    // Hover names the rule that reports an unknown activation, initializer
    // or loss.
    "src/server/hover.rs: \"ACT001\"",
    "src/server/hover.rs: \"ACT002\"",
    "src/server/hover.rs: \"ACT003\"",
    // Diagnostics of rules whose findings are code that does nothing
    // (shown faded out by editors).
    "src/server/diagnostics.rs: \"ACT006\"",
    "src/server/diagnostics.rs: \"ACT206\"",
    // Code actions offer no suppression comment for ACT000 and ACT006.
    "src/server/actions.rs: \"ACT000\"",
    "src/server/actions.rs: \"ACT006\"",
];

/// The string literals of a line of code (escapes kept as written).
fn literals(line: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let bytes = line.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'"' {
            i += 1;
            continue;
        }
        let start = i + 1;
        let mut j = start;
        while j < bytes.len() && bytes[j] != b'"' {
            j += if bytes[j] == b'\\' { 2 } else { 1 };
        }
        out.push(&line[start..j.min(line.len())]);
        i = j + 1;
    }
    out
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("a source folder").flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every string literal in the code (not the tests) of `src/config/`,
/// `src/server/` and `src/render/` that is exactly a rule's code or name,
/// as `path: literal`.
fn rules_named_outside_rules() -> Vec<String> {
    let words: Vec<&str> = rules::all_meta()
        .iter()
        .flat_map(|m| [m.code, m.name])
        .collect();
    let mut files = Vec::new();
    for dir in ["src/config", "src/server", "src/render"] {
        rust_files(&root().join(dir), &mut files);
    }
    files.sort();
    let mut found = Vec::new();
    for file in files {
        if super::architecture::is_test_only(&file) {
            continue;
        }
        let text = fs::read_to_string(&file).expect("a source file");
        let rel = file
            .strip_prefix(root())
            .unwrap_or(&file)
            .display()
            .to_string();
        for (_, line) in super::architecture::code_lines(&text) {
            for literal in literals(&line) {
                if words.contains(&literal) {
                    found.push(format!("{rel}: \"{literal}\""));
                }
            }
        }
    }
    found
}

#[test]
fn no_rule_is_named_in_config_server_or_render() {
    let found = rules_named_outside_rules();
    let new: Vec<&String> = found
        .iter()
        .filter(|f| !NAMED_OUTSIDE_RULES.contains(&f.as_str()))
        .collect();
    assert!(
        new.is_empty(),
        "rule codes or names written outside src/rules/ (declare what the rule knows in its \
         declare_rule!, or refer to the rule's META):\n{new:#?}"
    );
    let gone: Vec<&&str> = NAMED_OUTSIDE_RULES
        .iter()
        .filter(|e| !found.iter().any(|f| f == **e))
        .collect();
    assert!(
        gone.is_empty(),
        "no longer found: remove from NAMED_OUTSIDE_RULES: {gone:?}"
    );
}

#[test]
fn the_literal_reader_finds_whole_literals() {
    assert_eq!(
        literals(r#"let a = ["ACT001", "x \" y"]; f("softmax-single-unit")"#),
        ["ACT001", r#"x \" y"#, "softmax-single-unit"]
    );
}

/// The rule file of a rule: `src/rules/<category>/<name>.rs` (snake case),
/// declaring its code.
fn rule_file(meta: &rules::RuleMeta) -> Result<PathBuf, String> {
    let file = format!(
        "src/rules/{}/{}.rs",
        meta.category.as_str(),
        meta.name.replace('-', "_")
    );
    let text = fs::read_to_string(root().join(&file))
        .map_err(|e| format!("{} `{}`: no {file} ({e})", meta.code, meta.name))?;
    if !text.contains(&format!("code: \"{}\"", meta.code)) {
        return Err(format!("{file} does not declare {}", meta.code));
    }
    Ok(PathBuf::from(file))
}

/// What CONTRIBUTING.md's "Adding a rule" asks of one rule that is missing.
fn missing_pieces(meta: &rules::RuleMeta) -> Vec<String> {
    let mut missing = Vec::new();
    // ACT000 is reported by the loader; it is declared in the registry.
    if meta.category != Category::Parse {
        match rule_file(meta) {
            Ok(file) => {
                let category = file.parent().expect("a category folder").join("mod.rs");
                let stem = file.file_stem().expect("a file name").to_string_lossy();
                let text = fs::read_to_string(root().join(&category)).unwrap_or_default();
                if !text.lines().any(|l| l.trim() == format!("pub mod {stem};")) {
                    missing.push(format!("`pub mod {stem};` in {}", category.display()));
                }
            }
            Err(e) => missing.push(e),
        }
    }
    let doc = format!("rules/{}-{}.md", meta.code, meta.name);
    if !root().join(&doc).is_file() {
        missing.push(doc);
    }
    let fixtures = format!("fixtures/rules/{}", meta.code);
    for name in [
        "bad.yaml",
        "good.yaml",
        "bad.keras.json",
        "good.keras.json",
        "bad.yaml.snap",
        "bad.keras.json.snap",
    ] {
        if !root().join(&fixtures).join(name).is_file() {
            missing.push(format!("{fixtures}/{name}"));
        }
    }
    missing
}

#[test]
fn every_rule_has_its_file_doc_and_fixtures() {
    let metas = rules::all_meta();
    assert!(metas.len() > 40, "the registry lists the rules");
    let missing: Vec<String> = metas.iter().flat_map(|m| missing_pieces(m)).collect();
    assert!(
        missing.is_empty(),
        "what CONTRIBUTING.md's checklist for a rule asks is missing:\n{}",
        missing.join("\n")
    );
}

#[test]
fn the_registry_is_in_code_order() {
    let codes: Vec<&str> = rules::registry().iter().map(|r| r.meta().code).collect();
    let mut sorted = codes.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(
        codes, sorted,
        "src/rules/registry.rs lists each rule once, in code order"
    );
}

#[test]
fn every_rule_doc_and_fixture_folder_belongs_to_a_rule() {
    let metas = rules::all_meta();
    let mut strays = Vec::new();
    for entry in fs::read_dir(root().join("rules"))
        .expect("rules/")
        .flatten()
    {
        let name = entry.file_name().to_string_lossy().into_owned();
        let known = metas
            .iter()
            .any(|m| name == format!("{}-{}.md", m.code, m.name));
        if name.ends_with(".md") && name.starts_with("ACT") && !known {
            strays.push(format!("rules/{name}"));
        }
    }
    for entry in fs::read_dir(root().join("fixtures/rules"))
        .expect("fixtures/rules/")
        .flatten()
    {
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.path().is_dir() && !metas.iter().any(|m| m.code == name) {
            strays.push(format!("fixtures/rules/{name}/"));
        }
    }
    assert!(
        strays.is_empty(),
        "docs or fixtures of no registered rule (a renamed or removed rule?): {strays:?}"
    );
}
