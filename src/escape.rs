//! Escaping of text that comes from input (layer names, values, file names,
//! configuration lines, and messages that embed them) before it reaches a
//! terminal or a CI log.
//!
//! Repository contents are untrusted (see docs/security.md). Once escaped,
//! a piece of input text:
//!
//! - stays on its line: newlines, carriage returns, tabs, every other C0
//!   and C1 control character, DEL, the Unicode line and paragraph
//!   separators and the bidirectional controls are written as Rust escapes
//!   (`\n`, `\u{1b}`, `\u{202e}`), never raw, so it cannot move the cursor,
//!   retitle or clear a terminal, or reorder what is shown;
//! - cannot start a GitHub Actions workflow command: the runner reads a
//!   line whose trimmed start is `::` as a command (`::error`,
//!   `::add-mask::`, `::stop-commands::`), and `##[` anywhere as a legacy
//!   one. A `:` that follows another `:` or whitespace, or starts the text,
//!   is written `\u{3a}`; a `#` that follows another `#` is written
//!   `\u{23}`. Text wrapped at spaces, or printed at the start of a line,
//!   therefore never yields `::` or `##[` from input.
//!
//! [`text`] is for text printed in a line (human, concise and github
//! output, standard error). [`json`] rewrites serialized JSON (JSON, SARIF,
//! GitLab) with JSON's own `\u` escapes, so the values it holds are
//! unchanged. [`snippet`] is for source snippets, where offsets must not
//! move, and [`diff`] for `--diff`, whose lines must stay applicable.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Unicode bidirectional controls (embeddings, overrides, isolates and the
/// marks), which reorder how a line is shown ("Trojan Source").
fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
    )
}

/// Characters never written raw: controls (C0, DEL, C1), the line and
/// paragraph separators, and the bidirectional controls.
pub fn is_unsafe(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') || is_bidi_control(c)
}

/// Input text, escaped to be printed inside one line of output.
pub fn text(s: &str) -> Cow<'_, str> {
    let mut prev: Option<char> = None;
    let needs = s.chars().any(|c| {
        let bad = is_unsafe(c)
            || (c == ':' && prev.is_none_or(|p| p == ':' || p.is_whitespace()))
            || (c == '#' && prev == Some('#'));
        prev = Some(c);
        bad
    });
    if !needs {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    // The previous character as written (an escape ends in `}`).
    let mut prev: Option<char> = None;
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if is_unsafe(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            ':' if prev.is_none_or(|p| p == ':' || p.is_whitespace()) => out.push_str("\\u{3a}"),
            '#' if prev == Some('#') => out.push_str("\\u{23}"),
            c => out.push(c),
        }
        prev = out.chars().next_back();
    }
    Cow::Owned(out)
}

/// A character of a source snippet as shown: the same number of bytes, so
/// that offsets and columns do not move. Unsafe one-byte characters become
/// `?`, two-byte ones `¿`, three-byte ones `�`.
fn display_char(c: char) -> Option<&'static str> {
    if !is_unsafe(c) {
        return None;
    }
    Some(match c.len_utf8() {
        1 => "?",
        2 => "¿",
        _ => "\u{fffd}",
    })
}

/// Source text as shown in a snippet: [`display_char`] for unsafe
/// characters (tab, newline and the `\r` of `\r\n` are kept, they lay out
/// lines), and the second `#` of `##[` as `?`. Byte offsets and character
/// counts are unchanged.
pub fn snippet(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    let keep = |i: usize, c: char| {
        c == '\t' || c == '\n' || (c == '\r' && bytes.get(i + 1) == Some(&b'\n'))
    };
    let hash = |i: usize| bytes[i] == b'#' && i > 0 && bytes[i - 1] == b'#';
    // Most files hold nothing to replace: a cheap byte scan first. Unsafe
    // characters start with a byte below 0x20, 0x7f, 0xc2 (C1), 0xd8
    // (U+061C) or 0xe2 (U+2028.., U+200E.., U+202A.., U+2066..).
    let maybe = bytes.iter().fold(0u8, |acc, &b| {
        acc | u8::from(b < 0x20 && b != b'\t' && b != b'\n')
            | u8::from(matches!(b, 0x7f | 0xc2 | 0xd8 | 0xe2))
    });
    if maybe == 0 && memchr::memmem::find(bytes, b"##[").is_none() {
        return Cow::Borrowed(text);
    }
    let changes = |i: usize, c: char| {
        (is_unsafe(c) && !keep(i, c)) || (c == '#' && hash(i) && bytes.get(i + 1) == Some(&b'['))
    };
    if !text.char_indices().any(|(i, c)| changes(i, c)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    for (i, c) in text.char_indices() {
        if changes(i, c) {
            out.push_str(display_char(c).unwrap_or("?"));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Serialized JSON, rewritten so that it holds no raw DEL, C1, separator or
/// bidirectional control and no `##` (each as a `\uXXXX` escape, which JSON
/// reads back as the same character). Such characters only occur inside
/// strings, so the document's values are unchanged. (C0 controls are
/// already escaped by every JSON serializer, and a JSON string is one line,
/// so no line of the document can start with `::` from input.)
pub fn json(s: String) -> String {
    let needs = s.contains("##") || s.chars().any(is_unsafe_in_json);
    if !needs {
        return s;
    }
    let mut out = String::with_capacity(s.len() + 16);
    let mut prev = None;
    for c in s.chars() {
        if is_unsafe_in_json(c) || (c == '#' && prev == Some('#')) {
            let _ = write!(out, "\\u{:04x}", c as u32);
            prev = None;
        } else {
            out.push(c);
            prev = Some(c);
        }
    }
    out
}

/// A unified diff of model files (`--diff`), line by line: a line whose
/// content (after the `+`, `-` or space) holds an unsafe character, `##[`,
/// or starts (after whitespace) with `:`, is escaped with [`text`]; other
/// lines, and the line ends (`\n`, `\r\n`), are kept, so that a diff of an
/// ordinary file still applies.
pub fn diff(diff: String) -> String {
    let hostile = |content: &str| {
        content.chars().any(is_unsafe)
            || content.contains("##[")
            || content.trim_start().starts_with(':')
    };
    let body = |line: &str| -> (usize, usize) {
        // (start of the content, end of the content before the line end)
        let end = line.strip_suffix('\n').map_or(line.len(), str::len);
        let end = line[..end].strip_suffix('\r').map_or(end, str::len);
        (1.min(end), end)
    };
    if !diff.split_inclusive('\n').any(|l| {
        let (s, e) = body(l);
        hostile(&l[s..e])
    }) {
        return diff;
    }
    let mut out = String::with_capacity(diff.len() + 64);
    for line in diff.split_inclusive('\n') {
        let (s, e) = body(line);
        out.push_str(&line[..s]);
        out.push_str(&text(&line[s..e]));
        out.push_str(&line[e..]);
    }
    out
}

/// Unsafe characters other than the whitespace JSON writes between tokens.
fn is_unsafe_in_json(c: char) -> bool {
    is_unsafe(c) && !matches!(c, '\n' | '\r' | '\t')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_text_stays_on_one_line_and_forges_no_command() {
        assert_eq!(text("plain name: a.b"), "plain name: a.b");
        assert!(matches!(text("dense_1"), Cow::Borrowed(_)));
        assert_eq!(
            text("x\n::error file=a::forged"),
            "x\\n:\\u{3a}error file=a:\\u{3a}forged"
        );
        assert_eq!(text("::add-mask::s"), "\\u{3a}:add-mask:\\u{3a}s");
        assert_eq!(text("a ##[error]b"), "a #\\u{23}[error]b");
        assert_eq!(text("\u{1b}]0;t\u{7}\0"), "\\u{1b}]0;t\\u{7}\\u{0}");
        assert_eq!(text("a\u{202e}b\u{85}"), "a\\u{202e}b\\u{85}");
        // Wrapping at a space never starts a line with `::`.
        assert_eq!(text("see ::x"), "see \\u{3a}:x");
        assert_eq!(text(":x"), "\\u{3a}x");
    }

    #[test]
    fn snippets_keep_offsets() {
        let s = "a\u{1b}b\u{202e}c##[d\r\ne\u{85}";
        let shown = snippet(s);
        assert_eq!(shown.len(), s.len());
        assert_eq!(shown.chars().count(), s.chars().count());
        assert_eq!(shown, "a?b\u{fffd}c#?[d\r\ne¿");
        assert!(matches!(snippet("plain\n"), Cow::Borrowed(_)));
    }

    #[test]
    fn diffs_escape_only_hostile_lines() {
        let d = "--- a/m.yaml\n+++ b/m.yaml\n@@ -1,2 +1,2 @@\n ::error::x\r\n-a: relu\r\n+a: tanh\r\n #\u{1b}[2J\n";
        assert_eq!(
            diff(d.to_string()),
            "--- a/m.yaml\n+++ b/m.yaml\n@@ -1,2 +1,2 @@\n \\u{3a}:error:\\u{3a}x\r\n-a: relu\r\n+a: tanh\r\n #\\u{1b}[2J\n"
        );
        let plain = "--- a/m.yaml\n+++ b/m.yaml\n@@ -1 +1 @@\n-a: relu\n+a: tanh\n";
        assert_eq!(diff(plain.to_string()), plain);
    }

    #[test]
    fn json_keeps_its_values() {
        let doc = serde_json::json!({"m": "##[error]x \u{202e} \u{85} \u{1b} ::a"});
        let s = json(serde_json::to_string(&doc).unwrap());
        assert!(!s.contains("##") && !s.contains('\u{202e}') && !s.contains('\u{85}'));
        assert_eq!(serde_json::from_str::<serde_json::Value>(&s).unwrap(), doc);
    }
}
