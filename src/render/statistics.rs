//! `--statistics`: how many findings each rule has, most frequent first
//! (then by code), instead of the findings.
//!
//! As text (every format but `json`):
//! ```text
//! 3  ACT401  relu-without-he-init  warning
//! 1  ACT101  softmax-single-unit    error
//! ```
//! With `--format json`, a versioned document described by
//! `docs/actlint-output.schema.json`:
//! `{"version": 1, "statistics": [{"code", "name", "severity", "count"}], "summary": {...}}`.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use super::Summary;
use crate::diagnostic::Severity;
use crate::lint::FileReport;

/// The findings of one rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    pub code: &'static str,
    pub name: &'static str,
    /// The highest severity among the rule's findings.
    pub severity: Severity,
    pub count: usize,
}

/// One row per rule with findings: most findings first, then by code.
pub fn rows(reports: &[FileReport]) -> Vec<Row> {
    let mut by_code: BTreeMap<&'static str, Row> = BTreeMap::new();
    for d in reports.iter().flat_map(|r| &r.diagnostics) {
        let row = by_code.entry(d.code).or_insert(Row {
            code: d.code,
            name: d.name,
            severity: d.severity,
            count: 0,
        });
        row.count += 1;
        row.severity = row.severity.max(d.severity);
    }
    let mut rows: Vec<Row> = by_code.into_values().collect();
    rows.sort_by(|a, b| b.count.cmp(&a.count).then(a.code.cmp(b.code)));
    rows
}

/// The table, one line per rule (nothing when there are no findings).
pub fn render_text(reports: &[FileReport]) -> String {
    let rows = rows(reports);
    let count_width = rows
        .iter()
        .map(|r| r.count.to_string().len())
        .max()
        .unwrap_or(1);
    let name_width = rows.iter().map(|r| r.name.len()).max().unwrap_or(0);
    let mut out = String::new();
    for r in &rows {
        let _ = writeln!(
            out,
            "{:>count_width$}  {}  {:<name_width$}  {}",
            r.count, r.code, r.name, r.severity
        );
    }
    out
}

#[derive(Serialize)]
struct Document {
    version: u32,
    statistics: Vec<JsonRow>,
    summary: Summary,
}

#[derive(Serialize)]
struct JsonRow {
    code: &'static str,
    name: &'static str,
    severity: &'static str,
    count: usize,
}

/// The JSON document, pretty-printed, ending in a newline.
pub fn render_json(reports: &[FileReport]) -> String {
    let s = Summary::of(reports);
    let doc = Document {
        version: 1,
        statistics: rows(reports)
            .into_iter()
            .map(|r| JsonRow {
                code: r.code,
                name: r.name,
                severity: r.severity.as_str(),
                count: r.count,
            })
            .collect(),
        summary: s,
    };
    let mut out = serde_json::to_string_pretty(&doc).expect("serializing plain data cannot fail");
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Diagnostic;
    use crate::lint::Status;

    fn report(diagnostics: Vec<Diagnostic>) -> FileReport {
        FileReport {
            path: "m.yaml".into(),
            source: None,
            status: Status::Linted { models: 1 },
            diagnostics,
            layers: Vec::new(),
            models: Vec::new(),
        }
    }

    fn d(code: &'static str, name: &'static str, severity: Severity) -> Diagnostic {
        Diagnostic::new(code, name, severity, "m")
    }

    #[test]
    fn most_frequent_first_then_by_code() {
        let reports = [
            report(vec![
                d("ACT401", "relu-without-he-init", Severity::Warning),
                d("ACT101", "softmax-single-unit", Severity::Error),
                d("ACT204", "saturating-hidden-activation", Severity::Info),
            ]),
            report(vec![
                d("ACT401", "relu-without-he-init", Severity::Warning),
                d("ACT401", "relu-without-he-init", Severity::Error),
            ]),
        ];
        assert_eq!(
            render_text(&reports),
            "3  ACT401  relu-without-he-init          error\n\
             1  ACT101  softmax-single-unit           error\n\
             1  ACT204  saturating-hidden-activation  info\n"
        );
        assert_eq!(render_text(&[report(vec![])]), "");
    }
}
