//! The layering of `src/`: the top-level modules, read from their `use
//! crate::` lines and `crate::x::` paths, import only modules below them in
//! [`LAYERS`] (test modules excepted), with the one documented exception in
//! [`UPWARD`]; and they form no cycle. docs/architecture.md draws the same
//! pipeline.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// The top-level modules of `src/`, lowest first. A module may import the
/// modules of its own row and of the rows above it.
const LAYERS: &[&[&str]] = &[
    // Input text escaped for terminals and CI logs: used by every stage
    // that prints text from input (config errors, run notes, render).
    &["escape"],
    // Text, spans and the one LineIndex.
    &["source"],
    // Diagnostics and the fix vocabulary rules speak.
    &["diagnostic"],
    // The spanned JSON/YAML tree and its text editor (Change -> Edit).
    &["tree"],
    // Keras class facts.
    &["catalog"],
    // The model IR and its front ends.
    &["ir"],
    // Rules, their registry and fix builders.
    &["rules"],
    // One file: read, parse, build, check, fix plans resolved, suppressions.
    &["lint"],
    // Configuration files and their resolution into lint options: above
    // lint, whose Options it fills in.
    &["config"],
    // The lint-fix loop.
    &["fix"],
    // A run over many files: discovery, thread pool, baseline, writing fixes.
    &["run"],
    // Output formats.
    &["render"],
    // The two front doors: the language server, and the command line (which
    // also starts the server).
    &["server"],
    &["cli"],
];

/// Imports that point up the pipeline, why, and the only parts of the upper
/// module they may use. Cycles are looked for without them: they are
/// documented exceptions to the layering, not loops to add to. There are none
/// now: the configuration's `[[models]]` hints are declared values of the IR
/// (`ir::hints`), filled in by `config` and applied by `lint`.
const UPWARD: &[(&str, &str, &[&str])] = &[];

fn is_upward_exception(from: &str, to: &str) -> bool {
    UPWARD.iter().any(|&(f, t, _)| f == from && t == to)
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_dir() {
        for e in fs::read_dir(path).unwrap() {
            rust_files(&e.unwrap().path(), out);
        }
    } else if path.extension().is_some_and(|x| x == "rs") {
        out.push(path.to_path_buf());
    }
}

/// The top-level modules of `src/` and their files (`lib.rs` and `main.rs`
/// are the crate itself, not a module).
fn modules() -> BTreeMap<String, Vec<PathBuf>> {
    let mut modules = BTreeMap::new();
    for e in fs::read_dir(src()).unwrap() {
        let path = e.unwrap().path();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        if name == "lib" || name == "main" {
            continue;
        }
        let mut files = Vec::new();
        rust_files(&path, &mut files);
        files.retain(|file| !is_test_only(file));
        if !files.is_empty() {
            modules.entry(name).or_insert_with(Vec::new).extend(files);
        }
    }
    modules
}

/// Whether a file is a module its parent declares `#[cfg(test)] mod x;`
/// (test helpers in a file of their own, like `rules/testing.rs`): test
/// code, like an inline `#[cfg(test)] mod tests { … }`.
pub(crate) fn is_test_only(file: &Path) -> bool {
    let (Some(stem), Some(dir)) = (file.file_stem(), file.parent()) else {
        return false;
    };
    let declaration = format!("mod {};", stem.to_string_lossy());
    [dir.join("mod.rs"), dir.with_extension("rs")]
        .iter()
        .filter_map(|parent| fs::read_to_string(parent).ok())
        .any(|text| {
            let lines: Vec<&str> = text.lines().map(str::trim).collect();
            lines
                .windows(2)
                .any(|w| w[0] == "#[cfg(test)]" && w[1].ends_with(&declaration))
        })
}

/// The code of a file without comments and `#[cfg(test)]` modules.
pub(crate) fn code_lines(text: &str) -> Vec<(usize, String)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i].trim();
        let next = lines.get(i + 1).map_or("", |l| l.trim());
        let declares_module = next.starts_with("mod ") || next.contains(" mod ");
        if line == "#[cfg(test)]" && declares_module && next.ends_with(';') {
            // A test module in a file of its own (see `is_test_only`).
            i += 2;
            continue;
        }
        if line == "#[cfg(test)]" && declares_module {
            // Skip the module: to the line where its braces balance.
            let mut depth = 0i64;
            i += 1;
            while i < lines.len() {
                depth += lines[i].matches('{').count() as i64;
                depth -= lines[i].matches('}').count() as i64;
                i += 1;
                if depth <= 0 && lines[i - 1].contains('}') {
                    break;
                }
            }
            continue;
        }
        if !line.starts_with("//") {
            out.push((i + 1, line.to_string()));
        }
        i += 1;
    }
    out
}

/// The top-level modules a line of code names: `crate::x` paths, and the
/// first names of a `use crate::{x::…, y}` group (which may span lines:
/// `rest` holds what follows on the next lines).
fn named(code: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        let after = &rest[at + "crate::".len()..];
        if let Some(group) = after.strip_prefix('{') {
            // The first name of each element at the group's own depth.
            let mut depth = 1;
            let mut elements = vec![String::new()];
            for c in group.chars() {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    ',' if depth == 1 => {
                        elements.push(String::new());
                        continue;
                    }
                    _ => {}
                }
                if depth == 0 {
                    break;
                }
                elements.last_mut().unwrap().push(c);
            }
            for element in elements {
                let word: String = element
                    .trim_start()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !word.is_empty() {
                    names.push(word);
                }
            }
        } else {
            let word: String = after
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            names.push(word);
        }
        rest = after;
    }
    names
}

/// `from -> to -> first place it is imported`.
fn graph() -> BTreeMap<String, BTreeMap<String, String>> {
    let modules = modules();
    let mut graph: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for (module, files) in &modules {
        let edges = graph.entry(module.clone()).or_default();
        for file in files {
            let text = fs::read_to_string(file).unwrap();
            let lines = code_lines(&text);
            let mut k = 0;
            while k < lines.len() {
                let (number, line) = &lines[k];
                let mut code = line.clone();
                // A `use crate::{` group over several lines.
                if code.contains("crate::{") && !code.contains('}') {
                    while k + 1 < lines.len() && !code.contains('}') {
                        k += 1;
                        code.push(' ');
                        code.push_str(&lines[k].1);
                    }
                }
                for to in named(&code) {
                    if &to != module && modules.contains_key(&to) {
                        let place = format!(
                            "{}:{number}",
                            file.strip_prefix(src().parent().unwrap())
                                .unwrap()
                                .display()
                        );
                        edges.entry(to).or_insert(place);
                    }
                }
                k += 1;
            }
        }
    }
    graph
}

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|row| row.contains(&module))
}

/// A cycle through `start`, if there is one (depth-first search).
fn cycle_from(
    graph: &BTreeMap<String, BTreeMap<String, String>>,
    start: &str,
) -> Option<Vec<String>> {
    fn visit(
        graph: &BTreeMap<String, BTreeMap<String, String>>,
        start: &str,
        path: &mut Vec<String>,
        seen: &mut BTreeSet<String>,
    ) -> bool {
        let here = path.last().unwrap().clone();
        for next in graph.get(&here).into_iter().flat_map(BTreeMap::keys) {
            if is_upward_exception(&here, next) {
                continue;
            }
            if next == start {
                return true;
            }
            if seen.insert(next.clone()) {
                path.push(next.clone());
                if visit(graph, start, path, seen) {
                    return true;
                }
                path.pop();
            }
        }
        false
    }
    let mut path = vec![start.to_string()];
    let mut seen = BTreeSet::new();
    visit(graph, start, &mut path, &mut seen).then_some(path)
}

#[test]
fn every_top_level_module_has_a_layer() {
    let missing: Vec<String> = modules()
        .into_keys()
        .filter(|m| layer_of(m).is_none())
        .collect();
    assert!(
        missing.is_empty(),
        "place these modules in LAYERS (tests/it/architecture.rs) and docs/architecture.md: {missing:?}"
    );
}

#[test]
fn the_modules_form_no_cycle() {
    let graph = graph();
    let mut cycles = Vec::new();
    let mut reported = BTreeSet::new();
    for module in graph.keys() {
        if reported.contains(module) {
            continue;
        }
        if let Some(cycle) = cycle_from(&graph, module) {
            let mut steps = Vec::new();
            for (i, from) in cycle.iter().enumerate() {
                let to = &cycle[(i + 1) % cycle.len()];
                steps.push(format!("{from} -> {to} ({})", graph[from][to]));
                reported.insert(from.clone());
            }
            cycles.push(steps.join(", "));
        }
    }
    assert!(cycles.is_empty(), "import cycles:\n{}", cycles.join("\n"));
}

#[test]
fn imports_point_down_the_pipeline() {
    let graph = graph();
    let mut upward = Vec::new();
    for (from, edges) in &graph {
        for (to, place) in edges {
            let (Some(a), Some(b)) = (layer_of(from), layer_of(to)) else {
                continue;
            };
            if b > a && !is_upward_exception(from, to) {
                upward.push(format!("{from} -> {to} ({place})"));
            }
        }
    }
    assert!(
        upward.is_empty(),
        "imports up the pipeline (see LAYERS in tests/it/architecture.rs):\n{}",
        upward.join("\n")
    );
    assert!(UPWARD.len() <= 1, "at most one documented upward import");
}

#[test]
fn the_upward_import_uses_only_what_it_documents() {
    let modules = modules();
    for &(from, to, parts) in UPWARD {
        let mut used = BTreeSet::new();
        for file in &modules[from] {
            let text = fs::read_to_string(file).unwrap();
            for (number, line) in code_lines(&text) {
                let needle = format!("crate::{to}::");
                let mut rest = line.as_str();
                while let Some(at) = rest.find(&needle) {
                    rest = &rest[at + needle.len()..];
                    let part: String = rest
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    assert!(
                        parts.contains(&part.as_str()),
                        "{}:{number}: {from} uses {to}::{part}, not in UPWARD",
                        file.display()
                    );
                    used.insert(part);
                }
            }
        }
        assert!(
            !used.is_empty(),
            "{from} no longer imports {to}: remove it from UPWARD"
        );
    }
}

#[test]
fn the_import_reader_sees_groups_and_paths() {
    assert_eq!(named("use crate::lint::{self, Options};"), ["lint"]);
    assert_eq!(
        named("use crate::{config::{self, Resolver}, lint, source::Span};"),
        ["config", "lint", "source"]
    );
    assert_eq!(
        named("let x = crate::limits::set(&mut crate::lint::Options::default());"),
        ["limits", "lint"]
    );
    assert_eq!(
        named("(@fix) => { $crate::diagnostic::FixKind::None };"),
        ["diagnostic"]
    );
}
