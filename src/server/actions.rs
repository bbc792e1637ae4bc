//! `textDocument/codeAction`: the fixes rules attach to their findings, as
//! quick fixes (safe ones preferred, so "fix" shortcuts pick them), and in
//! YAML a quick fix that suppresses the finding with a comment.

use std::collections::HashMap;

use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, Range, TextEdit, Url, WorkspaceEdit,
};

use super::documents::{Document, Kind};
use super::Linted;
use super::LspPositions;
use crate::diagnostic::{Applicability, Diagnostic};
use crate::source::LineIndex;
use crate::source::Span;
use crate::tree::{self, Node, Value};

/// Rules that a comment cannot suppress: parse errors are never suppressed,
/// and unused suppressions are fixed by editing the suppression.
const NOT_SUPPRESSIBLE: [&str; 2] = ["ACT000", "ACT006"];

/// The code actions for the findings that touch `range`, or that the client
/// lists in the request's context.
pub fn code_actions(
    uri: &Url,
    doc: &Document,
    linted: &Linted,
    range: Range,
    context: &[lsp_types::Diagnostic],
) -> Vec<CodeActionOrCommand> {
    let ix = LineIndex::new(&doc.text);
    let mut fixes = Vec::new();
    let mut suppressions = Vec::new();
    let mut yaml_docs = None;
    for (d, l) in linted.diagnostics.iter().zip(&linted.lsp) {
        let listed = context
            .iter()
            .any(|c| c.range == l.range && c.code == l.code);
        if !listed && !overlaps(l.range, range) {
            continue;
        }
        if let Some(fix) = &d.fix {
            let edits: Vec<TextEdit> = fix
                .edits
                .iter()
                .map(|e| TextEdit {
                    range: ix.range(shifted(e.span, linted.shift)),
                    new_text: e.replacement.clone(),
                })
                .collect();
            let safe = fix.applicability == Applicability::Safe;
            let title = if safe {
                format!("{} ({})", fix.message, d.code)
            } else {
                format!(
                    "{} ({}, unsafe fix: changes what the model computes)",
                    fix.message, d.code
                )
            };
            fixes.push(action(title, uri, edits, l, safe));
        }
        if doc.kind == Kind::Yaml {
            let docs = yaml_docs.get_or_insert_with(|| {
                tree::yaml::parse(
                    &doc.text[linted.shift.min(doc.text.len())..],
                    tree::Limits::default(),
                )
                .unwrap_or_default()
            });
            if let Some(edit) = suppression(d, &ix, linted.shift, docs) {
                let title = format!("Suppress {} ({}) on this line", d.code, d.name);
                if !suppressions
                    .iter()
                    .any(|a: &CodeActionOrCommand| matches!(a, CodeActionOrCommand::CodeAction(c) if c.title == title))
                {
                    suppressions.push(action(title, uri, vec![edit], l, false));
                }
            }
        }
    }
    fixes.extend(suppressions);
    fixes
}

fn action(
    title: String,
    uri: &Url,
    edits: Vec<TextEdit>,
    diagnostic: &lsp_types::Diagnostic,
    preferred: bool,
) -> CodeActionOrCommand {
    CodeActionOrCommand::CodeAction(CodeAction {
        title,
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![diagnostic.clone()]),
        edit: Some(WorkspaceEdit {
            changes: Some(HashMap::from([(uri.clone(), edits)])),
            ..WorkspaceEdit::default()
        }),
        is_preferred: preferred.then_some(true),
        ..CodeAction::default()
    })
}

fn shifted(span: Span, shift: usize) -> Span {
    Span::new(span.start + shift, span.end + shift)
}

/// Whether two ranges share a position (an empty request range at the edge
/// of a finding counts: that is where the cursor is).
fn overlaps(a: Range, b: Range) -> bool {
    a.start <= b.end && b.start <= a.end
}

/// The edit that adds `# actlint: ignore[CODE]` at the end of the line the
/// finding starts on (into the line's suppression comment when it already
/// has one). `None` for findings a comment cannot suppress, and where the
/// end of the line is inside a multi-line string (a comment there would
/// change the string).
fn suppression(
    d: &Diagnostic,
    ix: &LineIndex<'_>,
    shift: usize,
    docs: &[Node],
) -> Option<TextEdit> {
    if NOT_SUPPRESSIBLE.contains(&d.code) {
        return None;
    }
    let primary = d.primary.as_ref()?;
    let text = ix.text();
    let line = ix.line_of(primary.span.start + shift);
    let start = ix.line_start(line);
    let end = ix.line_end(line);
    if docs
        .iter()
        .any(|n| in_multiline_scalar(n, end.saturating_sub(shift)))
    {
        return None;
    }
    let content = &text[start..end];
    let insert = |at: usize, new_text: String| {
        Some(TextEdit {
            range: ix.range(Span::empty(at)),
            new_text,
        })
    };
    if let Some(open) = existing_directive(content) {
        let list_start = start + open;
        let close = text[list_start..end].find(']')? + list_start;
        let listed = text[list_start..close]
            .split(',')
            .any(|c| c.trim().eq_ignore_ascii_case(d.code) || c.trim() == d.name);
        if listed {
            return None;
        }
        return insert(close, format!(", {}", d.code));
    }
    insert(end, format!("  # actlint: ignore[{}]", d.code))
}

/// Where the rule list of an `# actlint: ignore[...]` comment on the line
/// starts (after the `[`).
fn existing_directive(line: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = line[from..].find('#') {
        let hash = from + i;
        let rest = line[hash + 1..].trim_start();
        if let Some(after) = rest.strip_prefix("actlint:") {
            if let Some(list) = after.trim_start().strip_prefix("ignore[") {
                return Some(line.len() - list.len());
            }
        }
        from = hash + 1;
    }
    None
}

/// Whether `at` is inside a string that spans lines.
fn in_multiline_scalar(node: &Node, at: usize) -> bool {
    if at < node.span.start || at >= node.span.end {
        return false;
    }
    match &node.value {
        Value::Array(items) => items.iter().any(|n| in_multiline_scalar(n, at)),
        Value::Object(entries) => entries.iter().any(|e| in_multiline_scalar(&e.value, at)),
        Value::String(_) => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Edit, Fix};
    use crate::rules;
    use lsp_types::Position;

    fn linted(text: &str, diagnostics: Vec<Diagnostic>) -> Linted {
        let ix = LineIndex::new(text);
        let uri = Url::parse("file:///m.yaml").unwrap();
        Linted {
            version: 1,
            shift: 0,
            layers: Vec::new(),
            docs: Vec::new(),
            lsp: diagnostics
                .iter()
                .map(|d| super::super::diagnostics::to_lsp(d, &uri, &ix, 0))
                .collect(),
            diagnostics,
        }
    }

    fn apply(text: &str, action: &CodeActionOrCommand) -> String {
        let CodeActionOrCommand::CodeAction(a) = action else {
            panic!("not a code action")
        };
        let changes = a.edit.as_ref().unwrap().changes.as_ref().unwrap();
        let mut edits = changes.values().next().unwrap().clone();
        edits.sort_by_key(|e| std::cmp::Reverse(e.range.start));
        let mut out = text.to_string();
        for e in edits {
            let ix = LineIndex::new(&out);
            let (s, en) = (ix.offset(e.range.start), ix.offset(e.range.end));
            out.replace_range(s..en, &e.new_text);
        }
        out
    }

    fn whole(text: &str) -> Range {
        Range::new(
            Position::new(0, 0),
            LineIndex::new(text).lsp_position(text.len()),
        )
    }

    #[test]
    fn fixes_become_quick_fixes_and_safe_ones_are_preferred() {
        let text = "layers:\n  - type: Dense  # é\n    activation: rleu\n";
        let at = text.find("rleu").unwrap();
        let span = Span::new(at, at + 4);
        let d = rules::find("ACT001")
            .unwrap()
            .diag("unknown activation `rleu`")
            .at(span, "unknown")
            .fix(Fix {
                message: "replace `rleu` with `relu`".into(),
                applicability: Applicability::Safe,
                edits: vec![Edit {
                    span,
                    replacement: "relu".into(),
                }],
            });
        let mut unsafe_one = d.clone();
        unsafe_one.fix.as_mut().unwrap().applicability = Applicability::Unsafe;
        let uri = Url::parse("file:///m.yaml").unwrap();
        let doc = Document::new(&uri, "yaml", 1, text.to_string());

        let actions = code_actions(&uri, &doc, &linted(text, vec![d]), whole(text), &[]);
        assert_eq!(actions.len(), 2, "{actions:?}");
        let CodeActionOrCommand::CodeAction(fix) = &actions[0] else {
            panic!()
        };
        assert_eq!(fix.title, "replace `rleu` with `relu` (ACT001)");
        assert_eq!(fix.is_preferred, Some(true));
        assert_eq!(fix.kind, Some(CodeActionKind::QUICKFIX));
        assert_eq!(
            apply(text, &actions[0]),
            "layers:\n  - type: Dense  # é\n    activation: relu\n"
        );

        let actions = code_actions(
            &uri,
            &doc,
            &linted(text, vec![unsafe_one]),
            whole(text),
            &[],
        );
        let CodeActionOrCommand::CodeAction(fix) = &actions[0] else {
            panic!()
        };
        assert_eq!(fix.is_preferred, None);
        assert!(fix.title.contains("unsafe fix"), "{}", fix.title);
    }

    #[test]
    fn suppressing_appends_a_comment_or_extends_the_existing_one() {
        let text = "task: binary\nlayers:\n  - type: Dense\n    units: 1\n    activation: softmax  # é\n    kernel_initializer: he_normal  # actlint: ignore[ACT204] why\nloss: binary_crossentropy\n";
        let uri = Url::parse("file:///m.yaml").unwrap();
        let doc = Document::new(&uri, "yaml", 1, text.to_string());
        let softmax = text.find("softmax").unwrap();
        let init = text.find("he_normal").unwrap();
        let d1 = rules::find("ACT101")
            .unwrap()
            .diag("softmax over one unit")
            .at(Span::new(softmax, softmax + 7), "x");
        let d2 = rules::find("ACT402")
            .unwrap()
            .diag("he init")
            .at(Span::new(init, init + 9), "x");
        let l = linted(text, vec![d1, d2]);
        let actions = code_actions(&uri, &doc, &l, whole(text), &[]);
        assert_eq!(actions.len(), 2);
        let after = apply(text, &actions[0]);
        assert!(
            after.contains("    activation: softmax  # é  # actlint: ignore[ACT101]\n"),
            "{after}"
        );
        let after = apply(text, &actions[1]);
        assert!(
            after.contains("he_normal  # actlint: ignore[ACT204, ACT402] why\n"),
            "{after}"
        );
        // Only the findings in the requested range.
        let line4 = Range::new(Position::new(4, 0), Position::new(4, 30));
        let actions = code_actions(&uri, &doc, &l, line4, &[]);
        assert_eq!(actions.len(), 1);
    }

    #[test]
    fn the_suppression_comment_really_suppresses() {
        let text = "task: binary\nlayers:\n  - type: Dense\n    units: 1\n    activation: softmax\nloss: binary_crossentropy\n";
        let uri = Url::parse("file:///m.yaml").unwrap();
        let doc = Document::new(&uri, "yaml", 1, text.to_string());
        let report = crate::lint::lint_bytes("m.yaml", text.as_bytes(), &Default::default());
        assert!(report.diagnostics.iter().any(|d| d.code == "ACT101"));
        let l = linted(text, report.diagnostics);
        let i = l
            .diagnostics
            .iter()
            .position(|d| d.code == "ACT101")
            .unwrap();
        let actions = code_actions(&uri, &doc, &l, l.lsp[i].range, &[]);
        let suppress = actions
            .iter()
            .find(|a| matches!(a, CodeActionOrCommand::CodeAction(c) if c.title.starts_with("Suppress ACT101")))
            .unwrap();
        let after = apply(text, suppress);
        let report = crate::lint::lint_bytes("m.yaml", after.as_bytes(), &Default::default());
        assert!(
            report
                .diagnostics
                .iter()
                .all(|d| d.code != "ACT101" && d.code != "ACT006"),
            "{after}\n{:?}",
            report.diagnostics
        );
    }

    #[test]
    fn parse_errors_json_and_multiline_strings_get_no_suppression() {
        let uri = Url::parse("file:///m.json").unwrap();
        let text = "{\"layers\": 5}";
        let doc = Document::new(&uri, "json", 1, text.to_string());
        let d = rules::find("ACT101")
            .unwrap()
            .diag("x")
            .at(Span::new(1, 2), "x");
        assert!(code_actions(&uri, &doc, &linted(text, vec![d]), whole(text), &[]).is_empty());

        let uri = Url::parse("file:///m.yaml").unwrap();
        let text = "a: \"x\n  y\"\nb: 1\n";
        let doc = Document::new(&uri, "yaml", 1, text.to_string());
        let parse = rules::find("ACT000")
            .unwrap()
            .diag("x")
            .at(Span::new(12, 13), "x");
        let inside = rules::find("ACT101")
            .unwrap()
            .diag("x")
            .at(Span::new(3, 5), "x");
        let l = linted(text, vec![parse, inside]);
        assert!(code_actions(&uri, &doc, &l, whole(text), &[]).is_empty());
    }
}
