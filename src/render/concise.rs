//! `--format concise`: one line per finding, for grep and editors' problem
//! matchers:
//!
//! ```text
//! models/rain.yaml:7:17: warning[ACT301] layer 1 (`LSTM`) uses `relu`, ... (non-saturating-recurrent-activation)
//! ```
//!
//! Lines and columns are 1-based, columns count Unicode characters (as in
//! `--format json`). A finding inside a `.keras` archive names the member
//! (`model.keras!config.json:1:345:`), as the human output does. A finding
//! without a place (a file that is not UTF-8) is reported at `1:1`.
//! Paths and messages are escaped (see [`crate::escape`]), so one finding
//! is always one line and no line is a CI workflow command.

use std::fmt::Write as _;

use crate::diagnostic::Diagnostic;
use crate::escape;
use crate::lint::FileReport;
use crate::source::LineIndex;

/// One line per diagnostic, each ending in `\n`.
pub fn render(reports: &[FileReport]) -> String {
    let mut out = String::new();
    for report in reports {
        let index = report.source.as_ref().map(|s| LineIndex::new(&s.text));
        let name = match report.source.as_ref().and_then(|s| s.member.as_deref()) {
            Some(member) => format!("{}!{member}", report.path),
            None => report.path.clone(),
        };
        let name = escape::text(&name);
        for d in &report.diagnostics {
            line(&mut out, &name, index.as_ref(), d);
        }
    }
    out
}

fn line(out: &mut String, name: &str, index: Option<&LineIndex<'_>>, d: &Diagnostic) {
    let (line, column) = match (index, &d.primary) {
        (Some(ix), Some(label)) => {
            let p = ix.position(label.span.start);
            (p.line, p.column)
        }
        _ => (1, 1),
    };
    let _ = writeln!(
        out,
        "{name}:{line}:{column}: {}[{}] {} ({})",
        d.severity,
        d.code,
        escape::text(&d.message),
        d.name
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Severity;
    use crate::lint::{lint_bytes, Options};
    use crate::source::Span;

    fn report(path: &str, text: &str, diagnostics: Vec<Diagnostic>) -> FileReport {
        let mut r = lint_bytes(path, text.as_bytes(), &Options::default());
        r.diagnostics = diagnostics;
        r
    }

    fn diag(message: &str) -> Diagnostic {
        Diagnostic::new("ACT101", "softmax-single-unit", Severity::Error, message)
    }

    #[test]
    fn one_line_per_finding_with_character_columns() {
        let text = "name: é\nlayers:\n  - {type: Dense, units: 1, activation: softmax}\n";
        let at = text.find("softmax").unwrap();
        let r = report(
            "m.yaml",
            text,
            vec![diag("softmax over one unit").at(Span::new(at, at + 7), "here")],
        );
        assert_eq!(
            render(&[r]),
            "m.yaml:3:41: error[ACT101] softmax over one unit (softmax-single-unit)\n"
        );
    }

    #[test]
    fn findings_without_a_place_are_at_the_start_and_stay_on_one_line() {
        let r = FileReport {
            path: "bad\nname.json".into(),
            source: None,
            status: crate::lint::Status::Linted { models: 0 },
            diagnostics: vec![diag("two\nlines")],
            layers: Vec::new(),
            models: Vec::new(),
        };
        assert_eq!(
            render(&[r]),
            "bad\\nname.json:1:1: error[ACT101] two\\nlines (softmax-single-unit)\n"
        );
    }
}
