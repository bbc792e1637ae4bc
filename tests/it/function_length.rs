//! Function length: every non-test function in `src/` is at most
//! [`LIMIT`] lines of code (blank lines and comments not counted), so that
//! each reads on one screen. A function over it is split into named steps.
//!
//! [`LONGER`] lists the functions still over the limit. It may only shrink:
//! a function that is split must leave the list (the test says so), and a
//! new long function fails the test.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// Lines of code a function may span, from its `fn` line to its closing
/// brace.
const LIMIT: usize = 60;

/// Functions over [`LIMIT`] not split yet, as `path::name` (a name repeated
/// in one file is listed once).
const LONGER: &[&str] = &[
    "src/ir/python/eval.rs::assign",
    "src/ir/python/eval.rs::builtin",
    "src/ir/python/eval.rs::call",
    "src/ir/python/eval.rs::call_path",
    "src/ir/python/eval.rs::class",
    "src/ir/python/eval.rs::expr_inner",
    "src/ir/python/eval.rs::invoke",
    "src/ir/python/eval.rs::statement",
    "src/ir/python/mod.rs::functional",
];

/// Each function of `src/` outside test code: `path::name` and its lines of
/// code.
fn lengths() -> BTreeMap<String, usize> {
    let mut files = Vec::new();
    rust_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    let mut out = BTreeMap::new();
    for file in files {
        if super::architecture::is_test_only(&file) {
            continue;
        }
        let text = fs::read_to_string(&file).expect("a source file");
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let path = file.strip_prefix(root).unwrap_or(&file);
        for (name, n) in functions(&strip(&text)) {
            let key = format!("{}::{name}", path.display());
            let longest = out.entry(key).or_insert(0);
            *longest = n.max(*longest);
        }
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

/// The text with comments removed and the contents of string and character
/// literals replaced by `_` (line breaks kept), so that braces and the
/// word `fn` are code wherever they appear.
pub(crate) fn strip(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let blank = |c: char| if c == '\n' { '\n' } else { '_' };
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied().unwrap_or(' ');
        if c == '/' && next == '/' {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == '*' {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    if chars[i] == '\n' {
                        out.push('\n');
                    }
                    i += 1;
                }
            }
        } else if c == 'r' && (next == '"' || next == '#') && !ident(chars.get(i.wrapping_sub(1))) {
            // A raw string: r"…" or r#"…"#.
            let mut j = i + 1;
            while chars.get(j) == Some(&'#') {
                j += 1;
            }
            if chars.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            let hashes = j - i - 1;
            out.push('"');
            i = j + 1;
            while i < chars.len() {
                if chars[i] == '"' && (1..=hashes).all(|k| chars.get(i + k) == Some(&'#')) {
                    i += hashes + 1;
                    break;
                }
                out.push(blank(chars[i]));
                i += 1;
            }
            out.push('"');
        } else if c == '"' {
            out.push('"');
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    out.push('_');
                    i += 1;
                }
                if let Some(&c) = chars.get(i) {
                    out.push(blank(c));
                }
                i += 1;
            }
            out.push('"');
            i += 1;
        } else if c == '\'' && (next == '\\' || chars.get(i + 2) == Some(&'\'')) {
            // A character literal ('x', '\n', '\u{7b}'); a lifetime has no
            // closing quote two characters on.
            i += 1;
            while i < chars.len() && chars[i] != '\'' {
                i += if chars[i] == '\\' { 2 } else { 1 };
            }
            out.push_str("'_'");
            i += 1;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn ident(c: Option<&char>) -> bool {
    c.is_some_and(|c| c.is_alphanumeric() || *c == '_')
}

/// The functions of stripped text with a body, each with its lines of
/// code; `#[cfg(test)]` items are left out.
fn functions(code: &str) -> Vec<(String, usize)> {
    let lines: Vec<&str> = code.lines().collect();
    // The line of every byte offset's brace, and each `{`'s partner.
    let mut line_starts = vec![0];
    for (i, b) in code.bytes().enumerate() {
        if b == b'\n' {
            line_starts.push(i + 1);
        }
    }
    let line_of = |offset: usize| line_starts.partition_point(|&s| s <= offset) - 1;
    let bytes = code.as_bytes();
    let closing = |open: usize| {
        let mut depth = 0usize;
        for (i, &b) in bytes.iter().enumerate().skip(open) {
            match b {
                b'{' => depth += 1,
                b'}' => {
                    depth -= 1;
                    if depth == 0 {
                        return i;
                    }
                }
                _ => {}
            }
        }
        bytes.len() - 1
    };
    let mut out = Vec::new();
    let mut skip_until = 0;
    let mut i = 0;
    while i < bytes.len() {
        if i < skip_until {
            i += 1;
            continue;
        }
        let rest = &code[i..];
        if rest.starts_with("#[cfg(test)]") {
            // Skip the item the attribute is on.
            let item_end = rest.find(['{', ';']).map_or(bytes.len(), |k| i + k);
            skip_until = if bytes.get(item_end) == Some(&b'{') {
                closing(item_end) + 1
            } else {
                item_end + 1
            };
            continue;
        }
        let starts_word = i == 0 || !ident(code[..i].chars().last().as_ref());
        if starts_word && rest.starts_with("fn ") {
            let name: String = rest[3..]
                .trim_start()
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            let body = rest.find(['{', ';']).map(|k| i + k);
            if let Some(open) = body.filter(|&k| bytes[k] == b'{') {
                let (first, last) = (line_of(i), line_of(closing(open)));
                let n = lines[first..=last.min(lines.len() - 1)]
                    .iter()
                    .filter(|l| !l.trim().is_empty())
                    .count();
                out.push((name, n));
            }
        }
        i += rest.chars().next().map_or(1, char::len_utf8);
    }
    out
}

#[test]
fn functions_fit_on_a_screen() {
    let lengths = lengths();
    let over: Vec<String> = lengths
        .iter()
        .filter(|(key, &n)| n > LIMIT && !LONGER.contains(&key.as_str()))
        .map(|(key, n)| format!("{key}: {n} lines"))
        .collect();
    assert!(
        over.is_empty(),
        "functions over {LIMIT} lines of code; split them into named steps:\n{}",
        over.join("\n")
    );
    let split: Vec<&&str> = LONGER
        .iter()
        .filter(|key| lengths.get(**key).is_none_or(|&n| n <= LIMIT))
        .collect();
    assert!(
        split.is_empty(),
        "no longer over {LIMIT} lines (or gone): remove from LONGER: {split:?}"
    );
}

#[test]
fn the_length_reader_sees_literals_and_comments() {
    let code = strip(
        "fn a() {\n    let s = \"}\"; // }\n    let c = '{';\n    let r = r#\"}\"#;\n}\n\
         #[cfg(test)]\nmod tests {\n    fn t() {\n\n    }\n}\nfn b<'a>(x: &'a str) {}\n",
    );
    assert_eq!(
        functions(&code),
        [("a".to_string(), 5), ("b".to_string(), 1)]
    );
}
