//! Exhaustive matches over the enums a new input format or rule category
//! extends: a `match` whose arms name [`WATCHED`] variants has no `_` arm
//! (`_ =>`, `_ if …`), so that adding a variant makes the compiler list
//! every place that must decide what it means, instead of the wildcard
//! deciding silently (a new format written as Keras 3 objects, for one).

use std::fs;
use std::path::{Path, PathBuf};

/// The enums whose matches must be exhaustive, as their arms name them.
const WATCHED: &[&str] = &[
    // ir: the model formats (detection, the front ends, fixes).
    "Format::",
    // ir::detect: which front end builds a document.
    "FrontEnd::",
    // ir::catalog::layers: the Keras generations of the layer catalog.
    "Generation::",
    // source: how a text is parsed.
    "Syntax::",
    // source: why bytes do not decode into a model text.
    "DecodeError::",
    // rules: the rule categories.
    "Category::",
];

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

/// The closing brace (or bracket, parenthesis) of the one at `open`.
fn closing(code: &[u8], open: usize) -> usize {
    let mut depth = 0usize;
    for (i, &b) in code.iter().enumerate().skip(open) {
        match b {
            b'{' | b'(' | b'[' => depth += 1,
            b'}' | b')' | b']' => {
                depth -= 1;
                if depth == 0 {
                    return i;
                }
            }
            _ => {}
        }
    }
    code.len() - 1
}

/// The patterns of a match body's arms: the text before each arm's `=>`.
fn arm_patterns(body: &str) -> Vec<&str> {
    let bytes = body.as_bytes();
    let mut patterns = Vec::new();
    let mut start = 0;
    let mut depth = 0usize;
    let mut arrow_seen = false;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'{' | b'(' | b'[' => depth += 1,
            b'}' | b')' | b']' => {
                depth = depth.saturating_sub(1);
                if depth == 0 && bytes[i] == b'}' && arrow_seen {
                    // The end of an arm's block: the next arm starts here.
                    start = i + 1;
                    arrow_seen = false;
                }
            }
            b',' if depth == 0 => {
                start = i + 1;
                arrow_seen = false;
            }
            b'=' if depth == 0 && !arrow_seen && bytes.get(i + 1) == Some(&b'>') => {
                patterns.push(body[start..i].trim());
                arrow_seen = true;
                i += 1;
            }
            _ => {}
        }
        i += 1;
    }
    patterns
}

/// Whether an arm's pattern (its guard left out: a guard may compare
/// anything) names a variant of a [`WATCHED`] enum.
fn names_watched(pattern: &str) -> bool {
    let pattern = pattern.split(" if ").next().unwrap_or(pattern);
    WATCHED.iter().any(|name| {
        pattern.match_indices(name).any(|(at, _)| {
            let before = pattern[..at].chars().next_back();
            !before.is_some_and(|c| c.is_alphanumeric() || c == '_')
        })
    })
}

fn is_wildcard(pattern: &str) -> bool {
    let pattern = pattern.trim_start_matches('|').trim();
    pattern == "_" || pattern.starts_with("_ if ")
}

/// The 1-based lines of the matches over [`WATCHED`] enums with a `_` arm
/// in stripped code (no comments, no literal contents).
fn wildcard_matches(code: &str) -> Vec<usize> {
    let bytes = code.as_bytes();
    let mut out = Vec::new();
    for (at, _) in code.match_indices("match ") {
        let before = code[..at].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '!') {
            continue;
        }
        // The body opens at the first `{` outside the scrutinee's brackets.
        let mut i = at + "match ".len();
        while i < bytes.len() && bytes[i] != b'{' {
            if matches!(bytes[i], b'(' | b'[') {
                i = closing(bytes, i);
            }
            i += 1;
        }
        if i >= bytes.len() {
            break;
        }
        let body = &code[i + 1..closing(bytes, i)];
        let patterns = arm_patterns(body);
        if patterns.iter().any(|p| names_watched(p)) && patterns.iter().any(|p| is_wildcard(p)) {
            out.push(code[..at].matches('\n').count() + 1);
        }
    }
    out
}

/// The text without `#[cfg(test)]` modules declared inline.
fn without_tests(code: &str) -> String {
    let mut out = code.to_string();
    while let Some(at) = out.find("#[cfg(test)]\nmod ") {
        let Some(open) = out[at..].find(['{', ';']).map(|k| at + k) else {
            break;
        };
        let end = if out.as_bytes()[open] == b'{' {
            closing(out.as_bytes(), open)
        } else {
            open
        };
        // Keep the line breaks, so that line numbers still hold.
        let lines = "\n".repeat(out[at..=end].matches('\n').count());
        out.replace_range(at..=end, &lines);
    }
    out
}

#[test]
fn matches_over_formats_syntaxes_and_categories_are_exhaustive() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    let mut found = Vec::new();
    for file in files {
        if super::architecture::is_test_only(&file) {
            continue;
        }
        let text = fs::read_to_string(&file).expect("a source file");
        let code = without_tests(&super::function_length::strip(&text));
        for line in wildcard_matches(&code) {
            let path = file.strip_prefix(root).unwrap_or(&file);
            found.push(format!("{}:{line}", path.display()));
        }
    }
    assert!(
        found.is_empty(),
        "a `_` arm in a match over {WATCHED:?}: list the variants instead, so that a new one \
         is decided, not defaulted:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_match_reader_sees_wildcards_beside_watched_variants() {
    let code = super::function_length::strip(
        "fn a(f: Format) -> u8 {\n    match f {\n        Format::Simple => {\n            1\n        }\n        _ => 2,\n    }\n}\n\
         fn b(f: Format) -> u8 {\n    match (f, 1) {\n        (Format::Keras3, n) if n > 0 => 1,\n        _ if true => 2,\n        _ => 3,\n    }\n}\n\
         fn c(s: Syntax) -> bool {\n    match s { Syntax::Json | Syntax::Yaml => true, Syntax::Python | Syntax::Notebook => false }\n}\n\
         fn d(f: OutputFormat, v: Value, b: u8, s: Syntax) -> u8 {\n    match b { b'x' if s == Syntax::Yaml => 1, _ => 2 };\n    match f { OutputFormat::Json => 1, _ => 2 };\n    match v { Value::Null => { \"_ => \" ; 0 } _ => 1 }\n}\n",
    );
    assert_eq!(wildcard_matches(&code), [2, 10]);
    let tests = "fn e() {}\n#[cfg(test)]\nmod tests {\n    fn t(f: Format) { match f { Format::Simple => {}, _ => {} } }\n}\n";
    assert!(wildcard_matches(&without_tests(tests)).is_empty());
    assert_eq!(wildcard_matches(tests), [4]);
}
