//! actlint's diagnostics as LSP diagnostics.
//!
//! Rule documentation has no web address to link to, so diagnostics carry
//! no `codeDescription` (whose `href` must be a URI a client can open);
//! instead `data` holds the rule's name, summary and the first paragraph of
//! its documentation, hovering over the finding shows that paragraph, and
//! `actlint rule CODE` prints the whole document.

use lsp_types::{
    DiagnosticRelatedInformation, DiagnosticSeverity, DiagnosticTag, Location, NumberOrString, Url,
};
use serde_json::{json, Value};

use super::LspPositions;
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules;
use crate::source::{LineIndex, Span};

/// The source name clients show next to each diagnostic.
pub const SOURCE: &str = "actlint";

/// Rules whose findings are code that does nothing and can go: clients
/// render them faded out (`DiagnosticTag::UNNECESSARY`).
const UNNECESSARY: [&str; 2] = ["ACT006", "ACT206"];

pub fn severity(s: Severity) -> DiagnosticSeverity {
    match s {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info => DiagnosticSeverity::INFORMATION,
    }
}

/// The LSP form of one diagnostic. `ix` indexes the document's text and
/// `shift` is what to add to actlint's offsets to index it (3 when the text
/// starts with a byte order mark, which actlint's spans do not count).
pub fn to_lsp(
    d: &Diagnostic,
    uri: &Url,
    ix: &LineIndex<'_>,
    shift: usize,
) -> lsp_types::Diagnostic {
    let range = |span: Span| ix.range(Span::new(span.start + shift, span.end + shift));
    let primary = d
        .primary
        .as_ref()
        .map_or_else(|| ix.range(Span::empty(0)), |l| range(l.span));
    let related: Vec<DiagnosticRelatedInformation> = d
        .secondary
        .iter()
        .map(|l| DiagnosticRelatedInformation {
            location: Location::new(uri.clone(), range(l.span)),
            message: l.message.clone().unwrap_or_else(|| "related".to_string()),
        })
        .collect();
    let tags = UNNECESSARY
        .contains(&d.code)
        .then(|| vec![DiagnosticTag::UNNECESSARY]);
    lsp_types::Diagnostic {
        range: primary,
        severity: Some(severity(d.severity)),
        code: Some(NumberOrString::String(d.code.to_string())),
        code_description: None,
        source: Some(SOURCE.to_string()),
        message: message(d),
        related_information: (!related.is_empty()).then_some(related),
        tags,
        data: Some(data(d)),
    }
}

/// The message, with the help on a second line.
fn message(d: &Diagnostic) -> String {
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    message
}

/// The `data` of a diagnostic: the rule's name, summary and first paragraph
/// of documentation, the layer, and the fix's message and applicability.
fn data(d: &Diagnostic) -> Value {
    let mut data = serde_json::Map::new();
    data.insert("name".into(), json!(d.name));
    if let Some(m) = rules::find(d.code) {
        data.insert("summary".into(), json!(m.summary));
        if let Some(what) = doc_paragraph(m.doc, "What it does") {
            data.insert("documentation".into(), json!(what));
        }
    }
    if let Some(layer) = &d.layer {
        data.insert("layer".into(), json!(layer));
    }
    if let Some(f) = &d.fix {
        let applicability = match f.applicability {
            crate::diagnostic::Applicability::Safe => "safe",
            crate::diagnostic::Applicability::Unsafe => "unsafe",
        };
        data.insert(
            "fix".into(),
            json!({"message": f.message, "applicability": applicability}),
        );
    }
    Value::Object(data)
}

/// The first paragraph under a `## heading` of a rule document, joined into
/// one line.
pub fn doc_paragraph(doc: &str, heading: &str) -> Option<String> {
    let marker = format!("## {heading}");
    let mut lines = doc.lines().skip_while(|l| l.trim() != marker).skip(1);
    let mut out = String::new();
    for line in lines.by_ref() {
        let line = line.trim();
        if line.is_empty() {
            if out.is_empty() {
                continue;
            }
            break;
        }
        if line.starts_with("## ") || line.starts_with("```") {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(line);
    }
    (!out.is_empty()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Span;
    use lsp_types::{Position, Range};

    #[test]
    fn a_diagnostic_carries_code_severity_related_information_and_docs() {
        let text = "# é\nlayers: [x]\nloss: mse\n";
        let ix = LineIndex::new(text);
        let uri = Url::parse("file:///m.yaml").unwrap();
        let layers = text.find('x').unwrap();
        let loss = text.find("mse").unwrap();
        let d = rules::find("ACT103")
            .unwrap()
            .diag("sigmoid output trained with mse")
            .at(Span::new(layers, layers + 1), "sigmoid")
            .label(Span::new(loss, loss + 3), "regression loss")
            .help("use binary_crossentropy");
        let l = to_lsp(&d, &uri, &ix, 0);
        assert_eq!(
            l.range,
            Range::new(Position::new(1, 9), Position::new(1, 10))
        );
        assert_eq!(l.code, Some(NumberOrString::String("ACT103".into())));
        assert_eq!(l.severity, Some(DiagnosticSeverity::WARNING));
        assert_eq!(l.source.as_deref(), Some("actlint"));
        assert_eq!(
            l.message,
            "sigmoid output trained with mse\nhelp: use binary_crossentropy"
        );
        let related = l.related_information.unwrap();
        assert_eq!(related.len(), 1);
        assert_eq!(related[0].message, "regression loss");
        assert_eq!(
            related[0].location.range,
            Range::new(Position::new(2, 6), Position::new(2, 9))
        );
        assert_eq!(l.tags, None);
        let data = l.data.unwrap();
        assert_eq!(data["name"], "classification-output-with-regression-loss");
        assert!(data["documentation"].as_str().unwrap().starts_with("Flags"));
        // With a byte order mark in front of the text, the spans move by its
        // 3 bytes; the positions on the lines after the first stay the same.
        let bom_text = format!("\u{feff}{text}");
        let l = to_lsp(&d, &uri, &LineIndex::new(&bom_text), 3);
        assert_eq!(
            l.range,
            Range::new(Position::new(1, 9), Position::new(1, 10))
        );
    }

    #[test]
    fn redundant_code_is_tagged_unnecessary() {
        let ix = LineIndex::new("a: 1\n");
        let uri = Url::parse("file:///m.yaml").unwrap();
        for code in UNNECESSARY {
            let d = rules::find(code)
                .unwrap()
                .diag("x")
                .at(Span::new(0, 1), "x");
            assert_eq!(
                to_lsp(&d, &uri, &ix, 0).tags,
                Some(vec![DiagnosticTag::UNNECESSARY]),
                "{code}"
            );
        }
    }

    #[test]
    fn doc_paragraphs_are_read_from_the_rule_documents() {
        for meta in rules::all_meta() {
            let what = doc_paragraph(meta.doc, "What it does");
            assert!(
                what.as_deref()
                    .is_some_and(|w| w.len() > 20 && !w.contains('\n')),
                "{}: {what:?}",
                meta.code
            );
        }
        assert_eq!(
            doc_paragraph("## A\n\nx\ny\n\nz\n", "A").as_deref(),
            Some("x y")
        );
        assert_eq!(doc_paragraph("## A\n", "B"), None);
    }
}
