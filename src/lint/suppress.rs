//! Suppressions, applied to the diagnostics after the rules have run.
//!
//! - YAML comments: `# actlint: ignore[ACT401, ACT204] reason` at the end of a
//!   line, or on its own line(s) directly above it, and
//!   `# actlint: ignore-file[ACT204] reason` anywhere. Rules are named by code
//!   or by name. A line suppression attaches to the YAML nodes that start on
//!   its line: a comment on a layer's `- type: Dense` line covers every
//!   finding of the named rules inside that layer, wherever in the layer it is
//!   reported, so it survives edits that move the report.
//! - `per-file-ignores` entries with a JSON pointer
//!   (`"legacy/*.json#/config/layers/3" = ["ACT401"]`) cover the findings
//!   inside the node the pointer names; JSON has no comments.
//!
//! A suppression that suppresses nothing is reported as ACT006
//! `unused-suppression` (a warning). A suppression comment that cannot be
//! understood (an unknown rule, a misspelt directive) is ACT006 too, at
//! severity error: it suppresses nothing either, and is almost always a typo
//! that leaves the finding it meant to silence in place.
//!
//! ACT000 `parse-error` is never suppressed.

use std::collections::BTreeSet;

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::correctness::unused_suppression;
use crate::rules::{self, RuleMeta};
use crate::source::LineIndex;
use crate::source::Span;
use crate::tree::{Node, Value};

/// A `per-file-ignores` entry with a JSON pointer, for one file.
#[derive(Clone, Debug, PartialEq)]
pub struct PointerIgnore {
    /// The entry's key as written (`legacy/*.json#/config/layers/3`).
    pub entry: String,
    /// The pointer (`/config/layers/3`).
    pub pointer: String,
    /// The rules it ignores, by code.
    pub codes: Vec<&'static str>,
    /// Where the entry is (`actlint.toml:12:1`).
    pub origin: String,
}

const MARKER: &str = "actlint:";

/// The node a pointer names; when there is none, the deepest node reached
/// and why the pointer stops there.
type Target<'n> = Result<&'n Node, (&'n Node, String)>;

/// One rule named by a suppression.
#[derive(Debug)]
struct Named {
    meta: &'static RuleMeta,
    /// The code or name as written in the comment.
    span: Span,
    used: bool,
}

#[derive(Debug, PartialEq)]
enum Scope {
    /// The nodes starting on this 0-based line, and the line itself.
    Line(usize),
    /// A line suppression with no line under it.
    Nothing,
    File,
}

#[derive(Debug)]
struct Suppression {
    scope: Scope,
    /// At the end of a line with content (rather than on its own line).
    trailing: bool,
    names: Vec<Named>,
    /// Spans the suppression covers (for `Scope::Line`).
    regions: Vec<Span>,
}

/// Removes the suppressed diagnostics and adds ACT006 for suppressions that
/// suppress nothing or cannot be understood. `enabled` says which rules ran.
pub fn apply(
    text: &str,
    docs: &[Node],
    diagnostics: Vec<Diagnostic>,
    pointer_ignores: &[PointerIgnore],
    enabled: &dyn Fn(&RuleMeta) -> bool,
) -> Vec<Diagnostic> {
    let report_unused = enabled(unused_suppression::META);
    let mut problems = Vec::new();
    let mut comments = if text.contains(MARKER) {
        scan(text, docs, &mut problems)
    } else {
        Vec::new()
    };
    let mut pointers = pointer_targets(docs, pointer_ignores);
    let is_act006 = |d: &Diagnostic| d.code == unused_suppression::META.code;
    let mut kept = Vec::with_capacity(diagnostics.len());
    for d in diagnostics {
        if d.code == rules::parse_error::META.code || is_act006(&d) {
            kept.push(d);
            continue;
        }
        let by_comment = suppress_by_comments(&d, &mut comments);
        let by_pointer = suppress_by_pointers(&d, &mut pointers);
        if !by_comment && !by_pointer {
            kept.push(d);
        }
    }
    if !report_unused {
        return kept;
    }
    let mut out = kept;
    out.extend(unused_suppressions(
        problems,
        &mut comments,
        &pointers,
        enabled,
    ));
    out
}

/// A `per-file-ignores` pointer, the node it names (or why none), and
/// which of its codes silenced a finding.
type PointerTarget<'p, 'n> = (&'p PointerIgnore, Target<'n>, Vec<bool>);

/// Each pointer ignore with the node it names: in the first document where
/// it resolves, else why it does not resolve in the first.
fn pointer_targets<'p, 'n>(
    docs: &'n [Node],
    pointer_ignores: &'p [PointerIgnore],
) -> Vec<PointerTarget<'p, 'n>> {
    pointer_ignores
        .iter()
        .map(|p| {
            let target = docs
                .iter()
                .map(|d| resolve(d, &p.pointer))
                .find(|r| r.is_ok())
                .unwrap_or_else(|| {
                    docs.first()
                        .map(|d| resolve(d, &p.pointer))
                        .unwrap_or_else(|| Err((empty_node(), "the file is empty".into())))
                });
            (p, target, vec![false; p.codes.len()])
        })
        .collect()
}

/// Whether a pointer ignore whose node holds the finding names its code;
/// each code that does is marked used.
fn suppress_by_pointers(d: &Diagnostic, pointers: &mut [PointerTarget<'_, '_>]) -> bool {
    let Some(primary) = &d.primary else {
        return false;
    };
    let mut suppressed = false;
    for (p, target, used) in pointers {
        let Ok(node) = target else { continue };
        if !contains(node.span, primary.span) {
            continue;
        }
        for (i, code) in p.codes.iter().enumerate() {
            if *code == d.code {
                used[i] = true;
                suppressed = true;
            }
        }
    }
    suppressed
}

/// ACT006 findings: the suppressions' own `problems`, then each comment's
/// and pointer's rule that silenced nothing (suppressions naming ACT006
/// apply to these), then the comments naming ACT006 that silenced none.
fn unused_suppressions(
    problems: Vec<Diagnostic>,
    comments: &mut [Suppression],
    pointers: &[PointerTarget<'_, '_>],
    enabled: &dyn Fn(&RuleMeta) -> bool,
) -> Vec<Diagnostic> {
    let mut unused = problems;
    for s in comments.iter() {
        for n in &s.names {
            if n.used || n.meta.code == unused_suppression::META.code {
                continue;
            }
            unused.push(unused_comment(s, n, enabled));
        }
    }
    for (p, target, used) in pointers {
        for (i, code) in p.codes.iter().enumerate() {
            if !used[i] {
                unused.push(unused_pointer(p, code, target, enabled));
            }
        }
    }
    // Suppressions naming ACT006 itself apply to the findings above.
    let mut out = Vec::new();
    for d in unused {
        if !suppress_by_comments(&d, comments) {
            out.push(d);
        }
    }
    for s in comments.iter() {
        for n in &s.names {
            if !n.used && n.meta.code == unused_suppression::META.code {
                out.push(unused_comment(s, n, enabled));
            }
        }
    }
    out
}

fn empty_node() -> &'static Node {
    static EMPTY: Node = Node {
        value: Value::Null,
        span: Span::empty(0),
    };
    &EMPTY
}

/// Whether `inner` lies within `outer`.
fn contains(outer: Span, inner: Span) -> bool {
    outer.start <= inner.start && inner.end <= outer.end
}

/// Marks and reports whether a comment suppresses `d`.
fn suppress_by_comments(d: &Diagnostic, comments: &mut [Suppression]) -> bool {
    let mut suppressed = false;
    for s in comments.iter_mut() {
        let covers = match s.scope {
            Scope::File => true,
            Scope::Nothing => false,
            // The finding starts on the line, or inside a node starting on it.
            Scope::Line(_) => d.primary.as_ref().is_some_and(|p| {
                s.regions
                    .iter()
                    .any(|r| r.start <= p.span.start && p.span.start <= r.end)
            }),
        };
        if !covers {
            continue;
        }
        for n in s.names.iter_mut() {
            if n.meta.code == d.code {
                n.used = true;
                suppressed = true;
            }
        }
    }
    suppressed
}

fn unused_comment(s: &Suppression, n: &Named, enabled: &dyn Fn(&RuleMeta) -> bool) -> Diagnostic {
    let meta = n.meta;
    let what = format!("{} `{}`", meta.code, meta.name);
    let (message, label) = if !enabled(meta) {
        (
            format!("unused suppression: {what} is not enabled for this file"),
            "this rule does not run here",
        )
    } else {
        let message = match s.scope {
            Scope::File => format!("unused suppression: {what} reports nothing in this file"),
            Scope::Line(_) if s.trailing => format!(
                "unused suppression: {what} reports nothing on this line or inside the node that starts on it"
            ),
            Scope::Line(_) => format!(
                "unused suppression: {what} reports nothing on the next line or inside the node that starts on it"
            ),
            Scope::Nothing => {
                format!("unused suppression: no line follows the comment, so it cannot suppress {what}")
            }
        };
        (message, "suppresses nothing")
    };
    let help = if s.names.len() > 1 {
        format!("remove `{}` from the suppression", meta.code)
    } else if s.scope == Scope::Nothing {
        "put the comment at the end of the offending line, or on the line directly above it"
            .to_string()
    } else {
        "remove the suppression comment".to_string()
    };
    unused_suppression::META
        .diag(message)
        .at(n.span, label)
        .help(help)
}

fn unused_pointer(
    p: &PointerIgnore,
    code: &'static str,
    target: &Target<'_>,
    enabled: &dyn Fn(&RuleMeta) -> bool,
) -> Diagnostic {
    let meta = rules::find(code).unwrap_or(unused_suppression::META);
    let what = format!("{} `{}`", meta.code, meta.name);
    let entry = format!("`per-file-ignores` entry `{}` ({})", p.entry, p.origin);
    let (message, node, label) = match target {
        Ok(node) if !enabled(meta) => (
            format!("unused suppression: {what} is not enabled for this file, so the {entry} has no effect"),
            *node,
            format!("`{}`", p.pointer),
        ),
        Ok(node) => (
            format!("unused suppression: nothing inside `{}` is reported by {what} (the {entry})", p.pointer),
            *node,
            format!("`{}`: suppresses nothing", p.pointer),
        ),
        Err((node, why)) => (
            format!("unused suppression: the {entry} points at nothing in this file: {why}"),
            *node,
            why.clone(),
        ),
    };
    let help = if p.codes.len() > 1 {
        format!("remove `{code}` from the entry, or correct the pointer")
    } else {
        "remove the entry, or correct the pointer".to_string()
    };
    unused_suppression::META
        .diag(message)
        .at(head(node), label)
        .help(help)
}

/// The first character of a node, to point at a whole mapping or list
/// without underlining all of it.
fn head(node: &Node) -> Span {
    match node.value {
        Value::Array(_) | Value::Object(_) => {
            Span::new(node.span.start, (node.span.start + 1).min(node.span.end))
        }
        _ => node.span,
    }
}

/// Resolves an RFC 6901 pointer; on failure, the deepest node reached and why.
fn resolve<'n>(root: &'n Node, pointer: &str) -> Target<'n> {
    let mut node = root;
    let mut path = String::new();
    for raw in pointer.split('/').skip(1) {
        let token = raw.replace("~1", "/").replace("~0", "~");
        let here = if path.is_empty() {
            "the document".to_string()
        } else {
            format!("`{path}`")
        };
        let next = match &node.value {
            Value::Object(_) => node
                .get(&token)
                .ok_or_else(|| format!("{here} has no key `{token}`")),
            Value::Array(items) => match token.parse::<usize>() {
                Ok(i) if token == "0" || !token.starts_with('0') => items.get(i).ok_or_else(|| {
                    format!(
                        "{here} has {} item{}",
                        items.len(),
                        if items.len() == 1 { "" } else { "s" }
                    )
                }),
                _ => Err(format!("{here} is a list, and `{token}` is not an index")),
            },
            _ => Err(format!(
                "{here} is {}, not a mapping or list",
                node.kind_name()
            )),
        };
        match next {
            Ok(n) => node = n,
            Err(why) => return Err((node, why)),
        }
        path.push('/');
        path.push_str(raw);
    }
    Ok(node)
}

/// Finds the suppression comments of a text. `docs` tells which `#` are
/// inside strings (and so not comments).
fn scan(text: &str, docs: &[Node], problems: &mut Vec<Diagnostic>) -> Vec<Suppression> {
    let scalars = scalar_spans(docs);
    let index = LineIndex::new(text);
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    for (at, _) in text.match_indices(MARKER) {
        // `#`, then only blanks, then `actlint:`.
        let mut hash = at;
        while hash > 0 && matches!(bytes[hash - 1], b' ' | b'\t') {
            hash -= 1;
        }
        if hash == 0 || bytes[hash - 1] != b'#' {
            continue;
        }
        hash -= 1;
        // A YAML comment starts a line or follows a blank.
        if hash > 0 && !matches!(bytes[hash - 1], b' ' | b'\t' | b'\n' | b'\r') {
            continue;
        }
        if in_scalar(&scalars, hash) {
            continue;
        }
        let line = index.line_of(hash);
        let line_start = index.line_start(line);
        let line_end = index.line_end(line);
        let comment = Span::new(hash, line_end);
        let trailing = !text[line_start..hash].trim().is_empty();
        let Some((file_wide, names)) =
            parse_directive(text, at + MARKER.len(), line_end, comment, problems)
        else {
            continue;
        };
        let scope = if file_wide {
            Scope::File
        } else if trailing {
            Scope::Line(line)
        } else {
            target_below(text, &index, line)
        };
        out.push(Suppression {
            scope,
            trailing,
            names,
            regions: Vec::new(),
        });
    }
    attach_regions(text, &index, docs, &mut out);
    out
}

/// The first line below an own-line comment that is not itself a comment.
fn target_below(text: &str, index: &LineIndex<'_>, line: usize) -> Scope {
    let mut l = line + 1;
    while l < index.line_count() {
        let content = text[index.line_start(l)..index.line_end(l)].trim();
        if content.is_empty() {
            return Scope::Nothing;
        }
        if !content.starts_with('#') {
            return Scope::Line(l);
        }
        l += 1;
    }
    Scope::Nothing
}

/// Parses what follows `actlint:`. `None` when the comment is malformed (a
/// problem is recorded).
fn parse_directive(
    text: &str,
    from: usize,
    line_end: usize,
    comment: Span,
    problems: &mut Vec<Diagnostic>,
) -> Option<(bool, Vec<Named>)> {
    let rest = &text[from..line_end];
    let lead = rest.len() - rest.trim_start().len();
    let word_start = from + lead;
    let word_len = text[word_start..line_end]
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'-' || *b == b'_')
        .count();
    let word = &text[word_start..word_start + word_len];
    let word_span = Span::new(word_start, word_start + word_len);
    let file_wide = directive(word, word_span, comment, problems)?;
    let after = word_start + word_len;
    if text.as_bytes().get(after) != Some(&b'[') {
        problems.push(error(
            format!("suppression without rules: `{word}` must be followed by the rules it suppresses in brackets"),
            word_span,
            "which rules?",
            format!("name the rules: `# actlint: {word}[ACT401] reason`"),
        ));
        return None;
    }
    let Some(close) = text[after..line_end].find(']').map(|i| after + i) else {
        problems.push(error(
            "unclosed `[` in suppression comment".to_string(),
            Span::new(after, after + 1),
            "never closed",
            format!("close the list: `# actlint: {word}[ACT401] reason`"),
        ));
        return None;
    };
    let names = rule_names(text, after + 1, close, problems);
    if names.is_empty() && text[after + 1..close].trim().is_empty() {
        problems.push(error(
            "suppression names no rule".to_string(),
            Span::new(after, close + 1),
            "empty",
            format!("name the rules: `# actlint: {word}[ACT401] reason`"),
        ));
        return None;
    }
    Some((file_wide, names))
}

/// Whether the directive `word` (at `word_span` in `comment`) is
/// file-wide: `ignore-file` is, `ignore` is not; anything else is a
/// problem (with a did-you-mean) and `None`.
fn directive(
    word: &str,
    word_span: Span,
    comment: Span,
    problems: &mut Vec<Diagnostic>,
) -> Option<bool> {
    match word {
        "ignore" => Some(false),
        "ignore-file" => Some(true),
        _ => {
            let help = match crate::ir::suggest::closest(word, ["ignore", "ignore-file"].into_iter()) {
                Some(s) if !word.is_empty() => format!("did you mean `{s}`?"),
                _ => "write `# actlint: ignore[ACT401] reason` or `# actlint: ignore-file[ACT401] reason`".to_string(),
            };
            let (message, span) = if word.is_empty() {
                ("malformed suppression comment: expected `ignore[...]` or `ignore-file[...]` after `actlint:`".to_string(), comment)
            } else {
                (format!("unknown suppression directive `{word}`"), word_span)
            };
            problems.push(error(message, span, "not a suppression", help));
            None
        }
    }
}

/// The rules named in the brackets of a suppression (`text[start..end]`,
/// comma-separated, by code or name); unknown names and ACT000 are
/// problems.
fn rule_names(text: &str, start: usize, end: usize, problems: &mut Vec<Diagnostic>) -> Vec<Named> {
    let mut names = Vec::new();
    let mut pos = start;
    for part in text[start..end].split(',') {
        let lead = part.len() - part.trim_start().len();
        let name = part.trim();
        let span = Span::new(pos + lead, pos + lead + name.len());
        pos += part.len() + 1;
        if name.is_empty() {
            continue;
        }
        match crate::rules::find(name) {
            Some(meta) if meta.code == rules::parse_error::META.code => problems.push(error(
                format!("{} `{}` cannot be suppressed", meta.code, meta.name),
                span,
                "always reported",
                "a file that cannot be read is not checked at all; fix the file, or exclude it in the configuration".to_string(),
            )),
            Some(meta) => names.push(Named {
                meta,
                span,
                used: false,
            }),
            None => {
                let help = match crate::rules::registry::suggest(name) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => "name rules by code (`ACT401`) or by name (`relu-without-he-init`); `actlint rule CODE` shows a rule".to_string(),
                };
                problems.push(error(
                    format!("unknown rule `{name}` in suppression comment"),
                    span,
                    "unknown rule",
                    help,
                ));
            }
        }
    }
    names
}

fn error(message: String, span: Span, label: &str, help: String) -> Diagnostic {
    let mut d = unused_suppression::META
        .diag(message)
        .at(span, label)
        .help(help);
    d.severity = Severity::Error;
    d
}

/// Spans of every scalar and key, sorted by start.
fn scalar_spans(docs: &[Node]) -> Vec<Span> {
    let mut out = Vec::new();
    let mut stack: Vec<&Node> = docs.iter().collect();
    while let Some(n) = stack.pop() {
        match &n.value {
            Value::Array(items) => stack.extend(items),
            Value::Object(entries) => {
                for e in entries {
                    out.push(e.key_span);
                    stack.push(&e.value);
                }
            }
            _ => out.push(n.span),
        }
    }
    out.sort();
    out
}

fn in_scalar(spans: &[Span], at: usize) -> bool {
    let i = spans.partition_point(|s| s.start <= at);
    i > 0 && at < spans[i - 1].end
}

/// Fills each line suppression's regions: its line, and every mapping entry
/// (key to end of value) and list item that starts on it.
fn attach_regions(text: &str, index: &LineIndex<'_>, docs: &[Node], out: &mut [Suppression]) {
    let lines: BTreeSet<usize> = out
        .iter()
        .filter_map(|s| match s.scope {
            Scope::Line(l) => Some(l),
            _ => None,
        })
        .collect();
    if lines.is_empty() {
        return;
    }
    let mut found: Vec<(usize, Span)> = Vec::new();
    let mut stack: Vec<&Node> = docs.iter().collect();
    while let Some(n) = stack.pop() {
        match &n.value {
            Value::Array(items) => {
                for item in items {
                    let l = index.line_of(item.span.start.min(text.len()));
                    if lines.contains(&l) {
                        found.push((l, item.span));
                    }
                    stack.push(item);
                }
            }
            Value::Object(entries) => {
                for e in entries {
                    let l = index.line_of(e.key_span.start.min(text.len()));
                    if lines.contains(&l) {
                        found.push((l, e.key_span.cover(e.value.span)));
                    }
                    stack.push(&e.value);
                }
            }
            _ => {}
        }
    }
    for s in out.iter_mut() {
        if let Scope::Line(l) = s.scope {
            s.regions
                .push(Span::new(index.line_start(l), index.line_end(l)));
            s.regions
                .extend(found.iter().filter(|(fl, _)| *fl == l).map(|(_, sp)| *sp));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::{lint_bytes, Options};

    /// `CODE line:col` of each diagnostic, and the messages.
    fn lint(yaml: &str) -> Vec<String> {
        let r = lint_bytes("m.yaml", yaml.as_bytes(), &Options::default());
        let text = &r.source.as_ref().unwrap().text;
        let index = crate::source::LineIndex::new(text);
        r.diagnostics
            .iter()
            .map(|d| {
                let p = index.position(d.primary.as_ref().map_or(0, |l| l.span.start));
                format!("{} {}:{} {}", d.code, p.line, p.column, d.severity)
            })
            .collect()
    }

    const RELU_GLOROT: &str = "layers:
  - type: Dense
    units: 8
    activation: relu
  - type: Dense
    units: 1
    activation: sigmoid
loss: binary_crossentropy
";

    #[test]
    fn baseline_reports_act401() {
        assert_eq!(lint(RELU_GLOROT), ["ACT401 4:17 info"]);
    }

    #[test]
    fn trailing_comment_on_the_node_line() {
        let yaml = RELU_GLOROT.replace(
            "  - type: Dense\n    units: 8",
            "  - type: Dense  # actlint: ignore[ACT401] he init is set at runtime\n    units: 8",
        );
        assert_eq!(lint(&yaml), Vec::<String>::new());
    }

    #[test]
    fn comment_on_the_line_above_by_name() {
        let yaml = RELU_GLOROT.replace(
            "  - type: Dense\n    units: 8",
            "  # actlint: ignore[relu-without-he-init]\n  # (a second comment line)\n  - type: Dense\n    units: 8",
        );
        assert_eq!(lint(&yaml), Vec::<String>::new());
    }

    #[test]
    fn trailing_comment_on_the_value_line() {
        let yaml = RELU_GLOROT.replace(
            "activation: relu",
            "activation: relu  # actlint: ignore[ACT401]",
        );
        assert_eq!(lint(&yaml), Vec::<String>::new());
    }

    #[test]
    fn file_wide_and_unused() {
        let yaml = format!("# actlint: ignore-file[ACT401, ACT204]\n{RELU_GLOROT}");
        assert_eq!(lint(&yaml), ["ACT006 1:32 warning"]);
    }

    #[test]
    fn a_comment_elsewhere_does_not_suppress() {
        let yaml = RELU_GLOROT.replace("units: 1", "units: 1  # actlint: ignore[ACT401]");
        assert_eq!(lint(&yaml), ["ACT401 4:17 info", "ACT006 6:33 warning"]);
    }

    #[test]
    fn unknown_rules_and_malformed_comments_are_errors() {
        let yaml = format!("# actlint: ignore[ACT41]\n# actlint: ignor[ACT401]\n# actlint: ignore ACT401\n{RELU_GLOROT}");
        assert_eq!(
            lint(&yaml),
            [
                "ACT006 1:19 error",
                "ACT006 2:12 error",
                "ACT006 3:12 error",
                "ACT401 7:17 info"
            ]
        );
    }

    #[test]
    fn hashes_in_strings_are_not_comments() {
        let yaml = RELU_GLOROT.replace("layers:", "name: \"x # actlint: ignore[ACT401]\"\nlayers:");
        assert_eq!(lint(&yaml), ["ACT401 5:17 info"]);
    }

    #[test]
    fn unused_suppressions_can_be_silenced_file_wide() {
        let yaml =
            format!("# actlint: ignore-file[ACT006]\n# actlint: ignore[ACT204]\n{RELU_GLOROT}");
        assert_eq!(lint(&yaml), ["ACT401 6:17 info"]);
    }

    #[test]
    fn a_comment_followed_by_a_blank_line_applies_to_nothing() {
        let yaml = format!("# actlint: ignore[ACT401]\n\n{RELU_GLOROT}");
        assert_eq!(lint(&yaml), ["ACT006 1:19 warning", "ACT401 6:17 info"]);
    }

    #[test]
    fn pointers() {
        use super::*;
        let doc = crate::tree::json::parse(r#"{"a": [{"b": 1}, {"c/d": 2}]}"#, Default::default())
            .unwrap();
        assert_eq!(resolve(&doc, "/a/1/c~1d").unwrap().as_u64(), Some(2));
        assert_eq!(resolve(&doc, "/a/5").unwrap_err().1, "`/a` has 2 items");
        assert_eq!(
            resolve(&doc, "/x").unwrap_err().1,
            "the document has no key `x`"
        );
        assert_eq!(
            resolve(&doc, "/a/01").unwrap_err().1,
            "`/a` is a list, and `01` is not an index"
        );
        assert!(resolve(&doc, "").is_ok());
    }
}
