//! Renderers: byte spans become lines and columns only here.

pub mod ci;
pub mod concise;
pub mod github;
pub mod gitlab;
pub mod graph;
pub mod html;
pub mod human;
pub mod json;
pub mod sarif;
pub mod statistics;

use crate::diagnostic::Severity;
use crate::lint::FileReport;

/// Totals over a run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    pub files: usize,
    pub files_with_problems: usize,
    pub skipped: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

impl Summary {
    pub fn of(reports: &[FileReport]) -> Summary {
        let mut s = Summary {
            files: reports.len(),
            ..Summary::default()
        };
        for r in reports {
            if !r.diagnostics.is_empty() {
                s.files_with_problems += 1;
            }
            if matches!(r.status, crate::lint::Status::Skipped { .. }) {
                s.skipped += 1;
            }
            s.errors += r.count(Severity::Error);
            s.warnings += r.count(Severity::Warning);
            s.infos += r.count(Severity::Info);
        }
        s
    }

    pub fn problems(&self) -> usize {
        self.errors + self.warnings + self.infos
    }

    /// `3 problems (1 error, 2 warnings) in 2 files`, or `no problems in 5 files`.
    pub fn line(&self) -> String {
        fn n(count: usize, what: &str) -> String {
            format!("{count} {what}{}", if count == 1 { "" } else { "s" })
        }
        if self.problems() == 0 {
            return format!("no problems in {}", n(self.files, "file"));
        }
        let mut parts = Vec::new();
        if self.errors > 0 {
            parts.push(n(self.errors, "error"));
        }
        if self.warnings > 0 {
            parts.push(n(self.warnings, "warning"));
        }
        if self.infos > 0 {
            parts.push(n(self.infos, "info"));
        }
        format!(
            "{} ({}) in {}",
            n(self.problems(), "problem"),
            parts.join(", "),
            n(self.files_with_problems, "file")
        )
    }
}
