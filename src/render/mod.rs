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
    /// For other text, every `CHECKPOINT` bytes (at a char boundary): the
    /// byte offset and the characters and UTF-16 units before it, so that a
    /// column costs at most `CHECKPOINT` bytes of counting however long
    /// the line (Keras writes a whole model on one line).
    checkpoints: Vec<Checkpoint>,
}

#[derive(Clone, Copy, Debug, Default)]
struct Checkpoint {
    byte: usize,
    chars: usize,
    utf16: usize,
}

const CHECKPOINT: usize = 4096;

/// A 1-based line and column; the column counts Unicode characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        let ascii = text.is_ascii();
        let mut checkpoints = Vec::new();
        if !ascii {
            let mut here = Checkpoint::default();
            checkpoints.push(here);
            while here.byte + CHECKPOINT < text.len() {
                let next = clamp_boundary(text, here.byte + CHECKPOINT);
                let chunk = &text[here.byte..next];
                here = Checkpoint {
                    byte: next,
                    chars: here.chars + chunk.chars().count(),
                    utf16: here.utf16 + chunk.encode_utf16().count(),
                };
                checkpoints.push(here);
            }
        }
        LineIndex {
            text,
            starts,
            ascii,
            checkpoints,
        }
    }

    /// Characters and UTF-16 units in the text before `offset` (a char
    /// boundary).
    fn counts_before(&self, offset: usize) -> (usize, usize) {
        if self.ascii {
            return (offset, offset);
        }
        let k = self.checkpoints.partition_point(|c| c.byte <= offset) - 1;
        let c = self.checkpoints[k];
        let rest = &self.text[c.byte..offset];
        (
            c.chars + rest.chars().count(),
            c.utf16 + rest.encode_utf16().count(),
        )
    }

    /// The 1-based column of `offset` in UTF-16 code units (SARIF's unit).
    pub fn utf16_column(&self, offset: usize) -> usize {
        let offset = clamp_boundary(self.text, offset);
        let start = self.starts[self.line_of(offset)];
        self.counts_before(offset).1 - self.counts_before(start).1 + 1
    }

    /// 0-based line of a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        }
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
        // Keras writes a model on one line: counting characters from the
        // line start would make every position cost the file's length.
        let column = self.counts_before(offset).0 - self.counts_before(self.starts[line]).0 + 1;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_on_long_non_ascii_lines_match_counting() {
        let mut text = String::new();
        for i in 0..3000 {
            text.push_str(&format!("é日{i}😀,"));
            if i % 997 == 0 {
                text.push('\n');
            }
        }
        let index = LineIndex::new(&text);
        for offset in (0..text.len()).step_by(331).chain([text.len()]) {
            let offset = clamp_boundary(&text, offset);
            let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
            let before = &text[line_start..offset];
            let p = index.position(offset);
            assert_eq!(p.column, before.chars().count() + 1, "at {offset}");
            assert_eq!(p.line, text[..offset].matches('\n').count() + 1);
            assert_eq!(
                index.utf16_column(offset),
                before.encode_utf16().count() + 1
            );
        }
    }
}
