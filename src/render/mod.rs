//! Renderers: byte spans become lines and columns only here.

pub mod ci;
pub mod concise;
pub mod github;
pub mod gitlab;
pub mod human;
pub mod json;
pub mod sarif;
pub mod statistics;

use crate::diagnostic::Severity;
use crate::lint::FileReport;

/// Line starts of a text, for turning byte offsets into positions.
pub struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
    /// All ASCII: columns are byte distances.
    ascii: bool,
}

/// A 1-based line and column; the column counts Unicode characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i + 1),
        );
        LineIndex {
            text,
            starts,
            ascii: text.is_ascii(),
        }
    }

    /// 0-based line of a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        }
    }

    /// Whether the text is all ASCII (a column is then a byte distance).
    pub fn is_ascii(&self) -> bool {
        self.ascii
    }

    /// Number of lines (a text ending in `\n` has an empty last line).
    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    pub fn line_start(&self, line: usize) -> usize {
        self.starts[line]
    }

    /// End of a line's content (before `\n` / `\r\n`).
    pub fn line_end(&self, line: usize) -> usize {
        let end = self
            .starts
            .get(line + 1)
            .map_or(self.text.len(), |&s| s - 1);
        if end > self.starts[line] && self.text.as_bytes().get(end - 1) == Some(&b'\r') {
            end - 1
        } else {
            end
        }
    }

    pub fn position(&self, offset: usize) -> Position {
        let offset = clamp_boundary(self.text, offset);
        let line = self.line_of(offset);
        let before = &self.text[self.starts[line]..offset];
        // Keras writes a model on one line: counting characters from the
        // line start would make every position cost the file's length.
        let column = if self.ascii {
            before.len() + 1
        } else {
            before.chars().count() + 1
        };
        Position {
            line: line + 1,
            column,
        }
    }
}

/// The nearest char boundary at or before `offset`, within the text.
pub fn clamp_boundary(text: &str, offset: usize) -> usize {
    let mut o = offset.min(text.len());
    while !text.is_char_boundary(o) {
        o -= 1;
    }
    o
}

/// Totals over a run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
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
