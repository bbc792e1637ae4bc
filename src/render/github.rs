//! `--format github`: GitHub Actions workflow commands, which the runner
//! turns into annotations on the pull request's files:
//!
//! ```text
//! ::warning file=models/rain.yaml,line=7,col=17,endLine=7,endColumn=21,title=ACT301 non-saturating-recurrent-activation::layer 1 ...
//! ```
//!
//! Text from input (messages, file names) is escaped first (see
//! [`crate::escape`]: a newline in a layer name is `\n`, never a new
//! command); then escaping follows the runner: `%`, `\r` and `\n` in the
//! message; `:` and `,` as well in properties. Columns count Unicode characters and
//! `endColumn` is exclusive, as in `--format json`; a span over several
//! lines gives `line` and `endLine` only (GitHub reads columns only on one
//! line). Info findings are `::notice`.
//!
//! GitHub shows at most 10 annotations of each kind (error, warning,
//! notice) per step. Findings past that limit are printed as plain
//! `path:line:col: ...` lines so the log still lists them, and a closing
//! `::notice` gives the totals and says how many were not annotated (one
//! notice slot is kept for it).

use std::fmt::Write as _;

use super::ci::{self, Columns, Locator, Paths};
use super::Summary;
use crate::diagnostic::{Diagnostic, Severity};
use crate::escape;
use crate::lint::FileReport;

/// Annotations GitHub shows per kind and step.
pub const ANNOTATIONS_PER_KIND: usize = 10;

/// Escapes a command's message.
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a command property's value.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

fn command(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    }
}

fn kind(severity: Severity) -> usize {
    match severity {
        Severity::Error => 0,
        Severity::Warning => 1,
        Severity::Info => 2,
    }
}

/// The commands for a run; `summary` adds the closing notice (off with
/// `--quiet`).
pub fn render(reports: &[FileReport], paths: &Paths, summary: bool) -> String {
    let mut limits = [ANNOTATIONS_PER_KIND; 3];
    if summary {
        limits[kind(Severity::Info)] -= 1;
    }
    let mut shown = [0usize; 3];
    let mut hidden = [0usize; 3];
    let mut out = String::new();
    for report in reports {
        let locator = Locator::of(report);
        let path = paths.resolve(&report.path);
        for d in &report.diagnostics {
            let k = kind(d.severity);
            if shown[k] < limits[k] {
                shown[k] += 1;
                annotation(&mut out, path.as_str(), locator.as_ref(), d);
            } else {
                hidden[k] += 1;
                plain_line(&mut out, path.as_str(), locator.as_ref(), d);
            }
        }
    }
    if summary {
        let totals = Summary::of(reports);
        if totals.problems() == 0 {
            let _ = writeln!(out, "actlint: {}", totals.line());
        } else {
            let mut text = totals.line();
            let not_shown: usize = hidden.iter().sum();
            if not_shown > 0 {
                let parts: Vec<String> = [
                    (hidden[0], "error"),
                    (hidden[1], "warning"),
                    (hidden[2], "info"),
                ]
                .into_iter()
                .filter(|&(n, _)| n > 0)
                .map(|(n, what)| format!("{n} {what}{}", if n == 1 { "" } else { "s" }))
                .collect();
                let _ = write!(
                    text,
                    "; {not_shown} not shown as annotations ({}): GitHub shows {ANNOTATIONS_PER_KIND} of each kind per step, the log lists them all",
                    parts.join(", ")
                );
            }
            let _ = writeln!(out, "::notice title=actlint::{}", escape_data(&text));
        }
    }
    out
}

fn annotation(out: &mut String, path: &str, locator: Option<&Locator<'_>>, d: &Diagnostic) {
    let mut props = format!("file={}", escape_property(&escape::text(path)));
    if let Some(r) = ci::file_region(locator, d, Columns::Chars) {
        let _ = write!(props, ",line={}", r.start.line);
        if r.start.line == r.end.line {
            let _ = write!(props, ",col={}", r.start.column);
        }
        let _ = write!(props, ",endLine={}", r.end.line);
        if r.start.line == r.end.line {
            let _ = write!(props, ",endColumn={}", r.end.column);
        }
    }
    let _ = write!(
        props,
        ",title={}",
        escape_property(&format!("{} {}", d.code, d.name))
    );
    let mut message = escape::text(&d.message).into_owned();
    message.push_str(&escape::text(&ci::member_note(locator, d)));
    if let Some(help) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(&escape::text(help));
    }
    let _ = writeln!(
        out,
        "::{} {props}::{}",
        command(d.severity),
        escape_data(&message)
    );
}

/// A finding past the annotation limit, as `--format concise` writes it.
fn plain_line(out: &mut String, path: &str, locator: Option<&Locator<'_>>, d: &Diagnostic) {
    let (line, column) = match (locator, &d.primary) {
        (Some(l), Some(label)) => {
            let p = l.position(label.span.start, Columns::Chars);
            (p.line, p.column)
        }
        _ => (1, 1),
    };
    let path = match locator.and_then(|l| l.member) {
        Some(member) => format!("{path}!{member}"),
        None => path.to_string(),
    };
    let _ = writeln!(
        out,
        "{}:{line}:{column}: {}[{}] {} ({})",
        escape::text(&path),
        d.severity,
        d.code,
        escape::text(&d.message),
        d.name
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::{lint_bytes, Options};
    use crate::source::Span;

    const MODEL: &str = "layers:\n  - {type: Dense, units: 1, activation: softmax}\n";

    fn report(path: &str, diagnostics: Vec<Diagnostic>) -> FileReport {
        let mut r = lint_bytes(path, MODEL.as_bytes(), &Options::default());
        r.diagnostics = diagnostics;
        r
    }

    fn diag(severity: Severity, message: &str) -> Diagnostic {
        let o = MODEL.find("softmax").unwrap();
        Diagnostic::new("ACT101", "softmax-single-unit", severity, message)
            .at(Span::new(o, o + 7), "here")
    }

    #[test]
    fn escaping_follows_the_runner() {
        assert_eq!(escape_data("50% a\r\nb: c, d"), "50%25 a%0D%0Ab: c, d");
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }

    #[test]
    fn one_annotation_per_finding() {
        let d = diag(Severity::Error, "one unit: 100%, always\nsecond line").help("use sigmoid");
        let out = render(
            &[report("dir,x/m:1.yaml", vec![d])],
            &Paths::as_given(),
            false,
        );
        assert_eq!(
            out,
            "::error file=dir%2Cx/m%3A1.yaml,line=2,col=41,endLine=2,endColumn=48,\
             title=ACT101 softmax-single-unit::one unit: 100%25, always\\nsecond line%0Ahelp: use sigmoid\n"
        );
    }

    #[test]
    fn spans_over_lines_give_no_columns() {
        let d = Diagnostic::new("ACT101", "softmax-single-unit", Severity::Info, "m")
            .at(Span::new(0, MODEL.len() - 1), "all");
        let out = render(&[report("m.yaml", vec![d])], &Paths::as_given(), false);
        assert!(
            out.starts_with("::notice file=m.yaml,line=1,endLine=2,title="),
            "{out}"
        );
    }

    #[test]
    fn past_ten_of_a_kind_findings_are_plain_lines_and_the_summary_counts_them() {
        let mut diagnostics = Vec::new();
        for i in 0..12 {
            diagnostics.push(diag(Severity::Warning, &format!("w{i}")));
        }
        for i in 0..10 {
            diagnostics.push(diag(Severity::Info, &format!("i{i}")));
        }
        diagnostics.push(diag(Severity::Error, "e"));
        let out = render(&[report("m.yaml", diagnostics)], &Paths::as_given(), true);
        let count = |prefix: &str| out.lines().filter(|l| l.starts_with(prefix)).count();
        assert_eq!(count("::warning "), 10);
        assert_eq!(count("::error "), 1);
        // Nine info notices and the summary: ten notices.
        assert_eq!(count("::notice "), 10);
        assert_eq!(count("m.yaml:2:41: "), 3);
        let last = out.lines().last().unwrap();
        assert_eq!(
            last,
            "::notice title=actlint::23 problems (1 error, 12 warnings, 10 infos) in 1 file; \
             3 not shown as annotations (2 warnings, 1 info): GitHub shows 10 of each kind per step, \
             the log lists them all"
        );
    }

    #[test]
    fn a_clean_run_prints_a_plain_line() {
        let out = render(&[report("m.yaml", vec![])], &Paths::as_given(), true);
        assert_eq!(out, "actlint: no problems in 1 file\n");
        assert_eq!(
            render(&[report("m.yaml", vec![])], &Paths::as_given(), false),
            ""
        );
    }
}
