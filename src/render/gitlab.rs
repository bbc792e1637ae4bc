//! `--format gitlab`: a GitLab Code Quality report (the subset of the Code
//! Climate format GitLab reads), for `artifacts:reports:codequality`.
//!
//! ```json
//! [{"description": "ACT301 non-saturating-recurrent-activation: ...", "check_name": "ACT301", "fingerprint": "...",
//!   "severity": "minor", "location": {"path": "models/rain.yaml", "lines": {"begin": 7}}}]
//! ```
//!
//! Severities follow the common mapping of linters' GitLab reports: error
//! -> `major`, warning -> `minor`, info -> `info`. Fingerprints leave line
//! numbers out (rule, repository-relative path, layer, message, and a
//! counter for identical findings), so GitLab does not report a finding as
//! fixed and new again when lines are added above it. A finding without a
//! place, or inside a `.keras` archive, is on line 1.

use serde::Serialize;

use super::ci::{self, Columns, Locator, Paths};
use crate::diagnostic::Severity;
use crate::lint::FileReport;

#[derive(Serialize)]
struct Issue<'a> {
    description: String,
    check_name: &'static str,
    fingerprint: &'a str,
    severity: &'static str,
    location: Location,
}

#[derive(Serialize)]
struct Location {
    path: String,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: usize,
}

pub fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "major",
        Severity::Warning => "minor",
        Severity::Info => "info",
    }
}

/// The report, pretty-printed, ending in a newline.
pub fn render(reports: &[FileReport], paths: &Paths) -> String {
    let fingerprints = ci::fingerprints(reports, paths);
    let mut issues = Vec::new();
    for (report, prints) in reports.iter().zip(&fingerprints) {
        let locator = Locator::of(report);
        let path = paths.resolve(&report.path);
        for (d, fingerprint) in report.diagnostics.iter().zip(prints) {
            let line =
                ci::file_region(locator.as_ref(), d, Columns::Chars).map_or(1, |r| r.start.line);
            issues.push(Issue {
                description: format!(
                    "{} {}: {}{}",
                    d.code,
                    d.name,
                    d.message,
                    ci::member_note(locator.as_ref(), d),
                ),
                check_name: d.code,
                fingerprint,
                severity: severity(d.severity),
                location: Location {
                    path: path.as_str().to_string(),
                    lines: Lines { begin: line },
                },
            });
        }
    }
    let mut out =
        serde_json::to_string_pretty(&issues).expect("serializing plain data cannot fail");
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Diagnostic;
    use crate::lint::{lint_bytes, Options};
    use crate::source::Span;
    use serde_json::{json, Value};

    #[test]
    fn one_issue_per_finding() {
        let text = "layers:\n  - {type: Dense, units: 1, activation: softmax}\n";
        let o = text.find("softmax").unwrap();
        let mut r = lint_bytes("./m.yaml", text.as_bytes(), &Options::default());
        r.diagnostics = vec![Diagnostic::new(
            "ACT101",
            "softmax-single-unit",
            Severity::Error,
            "softmax over one unit",
        )
        .at(Span::new(o, o + 7), "here")];
        let doc: Value = serde_json::from_str(&render(&[r], &Paths::as_given())).unwrap();
        let fingerprint = doc[0]["fingerprint"].as_str().unwrap().to_string();
        assert_eq!(fingerprint.len(), 32);
        assert_eq!(
            doc,
            json!([{
                "description": "ACT101 softmax-single-unit: softmax over one unit",
                "check_name": "ACT101",
                "fingerprint": fingerprint,
                "severity": "major",
                "location": {"path": "m.yaml", "lines": {"begin": 2}}
            }])
        );
    }

    #[test]
    fn an_empty_run_is_an_empty_list() {
        assert_eq!(render(&[], &Paths::as_given()), "[]\n");
    }
}
