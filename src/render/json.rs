//! `--format json`: one versioned document for editors and tools.
//!
//! ```json
//! {"version": 2, "diagnostics": [...], "files": [...], "summary": {...}}
//! ```
//! Lines and columns are 1-based; columns count Unicode characters; the end
//! position is exclusive (the character after the span).

use serde::Serialize;

use super::Summary;
use crate::diagnostic::{Applicability, Diagnostic, Fix};
use crate::lint::{FileReport, Status};
use crate::source::LineIndex;

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    diagnostics: Vec<JsonDiagnostic<'a>>,
    files: Vec<JsonFile<'a>>,
    summary: Summary,
}

#[derive(Serialize)]
struct JsonFile<'a> {
    file: &'a str,
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'a str>,
    /// Every layer with its inferred output shape and parameter count.
    layers: Vec<JsonLayer<'a>>,
}

#[derive(Serialize)]
struct JsonLayer<'a> {
    /// The model of the file (YAML documents count from 0).
    model: usize,
    /// The layer's name; `outer/inner` inside a nested model.
    name: &'a str,
    class: &'a str,
    /// The per-sample output shape, batch axis left out, `null` for an
    /// unknown size; `null` when the shape is not known at all.
    output_shape: Option<&'a [Option<u64>]>,
    params: Option<u64>,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    code: &'static str,
    name: &'static str,
    severity: &'static str,
    message: &'a str,
    help: Option<&'a str>,
    file: &'a str,
    /// The archive member the position refers to (`config.json` of a `.keras`).
    member: Option<&'a str>,
    line: Option<usize>,
    column: Option<usize>,
    end_line: Option<usize>,
    end_column: Option<usize>,
    layer: Option<&'a str>,
    labels: Vec<JsonLabel<'a>>,
    fix: Option<JsonFix<'a>>,
}

#[derive(Serialize)]
struct JsonLabel<'a> {
    message: Option<&'a str>,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    primary: bool,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    message: &'a str,
    applicability: &'static str,
    edits: Vec<JsonEdit<'a>>,
}

#[derive(Serialize)]
struct JsonEdit<'a> {
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    start_byte: usize,
    end_byte: usize,
    replacement: &'a str,
}

fn diagnostic<'a>(
    report: &'a FileReport,
    index: Option<&LineIndex<'_>>,
    d: &'a Diagnostic,
) -> JsonDiagnostic<'a> {
    let pos = |span: crate::source::Span| {
        index.map(|ix| (ix.position(span.start), ix.position(span.end)))
    };
    let primary = d.primary.as_ref().and_then(|l| pos(l.span));
    JsonDiagnostic {
        code: d.code,
        name: d.name,
        severity: d.severity.as_str(),
        message: &d.message,
        help: d.help.as_deref(),
        file: &report.path,
        member: report.source.as_ref().and_then(|s| s.member.as_deref()),
        line: primary.map(|p| p.0.line),
        column: primary.map(|p| p.0.column),
        end_line: primary.map(|p| p.1.line),
        end_column: primary.map(|p| p.1.column),
        layer: d.layer.as_deref(),
        labels: index.map_or_else(Vec::new, |ix| labels(ix, d)),
        fix: d.fix.as_ref().zip(index).map(|(f, ix)| fix(ix, f)),
    }
}

/// Every label of a diagnostic, the primary first, with its place.
fn labels<'a>(ix: &LineIndex<'_>, d: &'a Diagnostic) -> Vec<JsonLabel<'a>> {
    d.primary
        .iter()
        .map(|l| (l, true))
        .chain(d.secondary.iter().map(|l| (l, false)))
        .map(|(label, primary)| {
            let (s, e) = (ix.position(label.span.start), ix.position(label.span.end));
            JsonLabel {
                message: label.message.as_deref(),
                line: s.line,
                column: s.column,
                end_line: e.line,
                end_column: e.column,
                primary,
            }
        })
        .collect()
}

/// A fix with its edits, each with its place and byte offsets.
fn fix<'a>(ix: &LineIndex<'_>, f: &'a Fix) -> JsonFix<'a> {
    JsonFix {
        message: &f.message,
        applicability: match f.applicability {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
        },
        edits: f
            .edits
            .iter()
            .map(|e| {
                let (s, en) = (ix.position(e.span.start), ix.position(e.span.end));
                JsonEdit {
                    line: s.line,
                    column: s.column,
                    end_line: en.line,
                    end_column: en.column,
                    start_byte: e.span.start,
                    end_byte: e.span.end,
                    replacement: &e.replacement,
                }
            })
            .collect(),
    }
}

pub fn render(reports: &[FileReport]) -> String {
    let mut diagnostics = Vec::new();
    let mut files = Vec::new();
    for r in reports {
        let index = r.source.as_ref().map(|s| LineIndex::new(&s.text));
        for d in &r.diagnostics {
            diagnostics.push(diagnostic(r, index.as_ref(), d));
        }
        let (status, reason) = match &r.status {
            Status::Linted { .. } => ("linted", None),
            Status::Skipped { reason } => ("skipped", Some(reason.as_str())),
        };
        let layers = r
            .layers
            .iter()
            .map(|l| JsonLayer {
                model: l.model,
                name: &l.path,
                class: &l.class,
                output_shape: l.output.as_deref(),
                params: l.params,
            })
            .collect();
        files.push(JsonFile {
            file: &r.path,
            status,
            reason,
            layers,
        });
    }
    let s = Summary::of(reports);
    let doc = Document {
        version: 2,
        diagnostics,
        files,
        summary: s,
    };
    let mut out = serde_json::to_string_pretty(&doc).expect("serializing plain data cannot fail");
    out.push('\n');
    out
}
