//! Jupyter notebooks as text: the code cells, in order, as one Python text.
//!
//! Each cell's `source` (a string or a list of strings in the notebook's
//! JSON) is decoded with a map from every byte of the code back to the
//! notebook text, so spans point at the right place in the `.ipynb` file.
//! IPython's magics and shell escapes (`%pip install`, `!ls`, `%%time`) are
//! blanked (their bytes become spaces), so they are neither parsed nor
//! reported; cells under a cell magic that runs something other than Python
//! (`%%bash`, `%%writefile`) are blanked whole.
//!
//! The way back: an edit of the code ([`Code::notebook_edit`]) becomes an
//! edit of the one JSON string it falls in, escaped as JSON, so a fix lands
//! in its cell and nothing else of the notebook (outputs, metadata, the
//! file's layout) changes.

use super::{encoded, json, Limits, Node, SyntaxError};
use crate::diagnostic::Edit;
use crate::source::Span;

/// The code of a notebook and, per byte, where it is in the notebook text.
pub struct Code {
    pub text: String,
    pub map: Vec<usize>,
    /// The code offset each code cell starts at, with its cell number (1-based, all cells counted).
    pub cells: Vec<(usize, usize)>,
    /// The JSON strings the code was decoded from, in order.
    parts: Vec<Part>,
}

/// One JSON string of a code cell's `source`.
struct Part {
    /// Where its content is in the code.
    code: Span,
    /// The string literal in the notebook text, quotes included.
    literal: Span,
    /// In a source written as a list of strings (one per line, as Jupyter
    /// saves it), what separates two of them (`,\n    `): a line an edit
    /// adds becomes a string of its own. `None` for a source that is one
    /// string.
    separator: Option<String>,
}

impl Code {
    /// Where a byte of the notebook text is in its cells: the cell number
    /// (1-based, all cells counted) and the line and column (1-based, in
    /// characters) in that cell's code.
    pub fn position(&self, at: usize) -> Option<(usize, usize, usize)> {
        let code_at = self.code_offset(at)?;
        if code_at >= self.text.len() {
            return None;
        }
        let &(start, cell) = self.cells.iter().rev().find(|(s, _)| *s <= code_at)?;
        let before = self.text.get(start..code_at)?;
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() + 1;
        Some((cell, line, column))
    }

    /// The code offset a byte of the notebook text was decoded into (the
    /// start of a character or an escape sequence, or the end of a cell's
    /// code), or `None`.
    pub fn code_offset(&self, at: usize) -> Option<usize> {
        // The map is non-decreasing: the first code byte at or past `at`.
        let code_at = self.map.partition_point(|&m| m < at);
        (self.map.get(code_at) == Some(&at)).then_some(code_at)
    }

    /// A span of the notebook text as a span of the code.
    pub fn code_span(&self, span: Span) -> Option<Span> {
        let start = self.code_offset(span.start)?;
        let end = self.code_offset(span.end)?;
        (start <= end).then_some(Span::new(start, end))
    }

    /// An edit of the code as an edit of the notebook text: the bytes it
    /// replaces must lie in one JSON string of a cell (and be what the
    /// notebook holds, not a blanked magic); its replacement is escaped as
    /// JSON, and in a source written one string per line each line it adds
    /// becomes a string of its own. `None` when the edit cannot be written
    /// back so.
    pub fn notebook_edit(&self, notebook: &str, edit: &Edit) -> Option<Edit> {
        let Span { start, end } = edit.span;
        // An insertion where one string ends and the next starts goes at
        // the start of the next (the line it begins).
        let part = self
            .parts
            .iter()
            .find(|p| p.code.start <= start && end <= p.code.end && start < p.code.end)
            .or_else(|| {
                self.parts
                    .iter()
                    .find(|p| p.code.start <= start && end <= p.code.end)
            })?;
        let closing_quote = part.literal.end - 1;
        let at = |i: usize| {
            if i == part.code.end {
                closing_quote
            } else {
                self.map[i]
            }
        };
        let span = Span::new(at(start), at(end));
        let old = notebook.get(span.start..span.end)?;
        let (decoded, _) = encoded::decode(&format!("\"{old}\""), 0)?;
        if self.text.get(start..end) != Some(decoded.as_str()) {
            return None;
        }
        let replacement = match &part.separator {
            Some(separator) => as_lines(&edit.replacement, separator, span.end == closing_quote),
            None => json_content(&edit.replacement),
        };
        Some(Edit { span, replacement })
    }
}

/// A text as the content of a JSON string (escaped, without the quotes).
fn json_content(text: &str) -> String {
    let quoted = serde_json::to_string(text).unwrap_or_default();
    quoted
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .unwrap_or_default()
        .to_string()
}

/// A replacement inside a string of a list of lines: each line break ends
/// the string and starts the next one after `separator`, except a last line
/// break that already ends the string (`at_end`).
fn as_lines(replacement: &str, separator: &str, at_end: bool) -> String {
    let lines: Vec<&str> = replacement.split_inclusive('\n').collect();
    let mut out = String::with_capacity(replacement.len() + 16);
    for (i, line) in lines.iter().enumerate() {
        out.push_str(&json_content(line));
        if line.ends_with('\n') && !(at_end && i + 1 == lines.len()) {
            out.push('"');
            out.push_str(separator);
            out.push('"');
        }
    }
    out
}

/// Cell magics whose body is still Python.
const PYTHON_CELL_MAGICS: &[&str] = &["time", "timeit", "capture", "prun", "debug"];

/// The code cells of a notebook's JSON text.
pub fn code(text: &str, limits: Limits) -> Result<Code, SyntaxError> {
    let root = json::parse(text, limits).map_err(|e| SyntaxError {
        message: format!("invalid notebook JSON: {}", e.message),
        span: e.span,
    })?;
    let Some(cells) = root.get("cells").and_then(Node::as_array) else {
        return Err(SyntaxError {
            message: "not a Jupyter notebook: no `cells` list".into(),
            span: Span::empty(0),
        });
    };
    let mut out = Code {
        text: String::new(),
        map: Vec::new(),
        cells: Vec::new(),
        parts: Vec::new(),
    };
    for (i, cell) in cells.iter().enumerate() {
        if cell.get("cell_type").and_then(Node::as_str) != Some("code") {
            continue;
        }
        if let Some(source) = cell.get("source") {
            out.push_cell(text, i + 1, source);
        }
    }
    out.map.push(text.len());
    Ok(out)
}

impl Code {
    /// Appends the code of one cell (number `cell`) from its `source` node.
    fn push_cell(&mut self, text: &str, cell: usize, source: &Node) {
        let (parts, separator): (Vec<&Node>, _) = match source.as_array() {
            Some(items) => (items.iter().collect(), Some(separator(text, source, items))),
            None => (vec![source], None),
        };
        let start = self.text.len();
        self.cells.push((start, cell));
        let mut end_of_cell = source.span.end;
        for part in parts {
            if part.as_str().is_none() {
                continue;
            }
            let literal = &text[part.span.start..part.span.end];
            let Some((decoded, map)) = encoded::decode(literal, part.span.start) else {
                continue;
            };
            let code_start = self.text.len();
            self.text.push_str(&decoded);
            self.map.extend_from_slice(&map[..decoded.len()]);
            end_of_cell = map[decoded.len()];
            self.parts.push(Part {
                code: Span::new(code_start, self.text.len()),
                literal: part.span,
                separator: separator.clone(),
            });
        }
        blank_magics(&mut self.text, start);
        // Cells are separated by a line break (mapped to the end of the cell).
        self.text.push('\n');
        self.map.push(end_of_cell);
    }
}

/// What separates two strings of a source list, as the list writes it
/// (`,\n    ` when pretty-printed, `, ` on one line).
fn separator(text: &str, source: &Node, items: &[Node]) -> String {
    let between = match items {
        [first, second, ..] => text
            .get(first.span.end..second.span.start)
            .map(str::to_string),
        // One string: a comma and the space between `[` and it.
        [first] => text
            .get(source.span.start + 1..first.span.start)
            .filter(|lead| !lead.is_empty())
            .map(|lead| format!(",{lead}")),
        [] => None,
    };
    match between {
        Some(s) if s.trim() == "," => s,
        _ => ", ".to_string(),
    }
}

/// Replaces the magics and shell escapes of the cell starting at `start` with blanks.
fn blank_magics(code: &mut String, start: usize) {
    let mut bytes = std::mem::take(code).into_bytes();
    let cell = &mut bytes[start..];
    let first = cell
        .split(|&b| b == b'\n')
        .find(|l| !l.iter().all(u8::is_ascii_whitespace))
        .map(|l| String::from_utf8_lossy(l).trim().to_string())
        .unwrap_or_default();
    if let Some(magic) = first.strip_prefix("%%") {
        let name = magic.split_whitespace().next().unwrap_or("");
        if !PYTHON_CELL_MAGICS.contains(&name) {
            blank(cell);
            *code = String::from_utf8(bytes).unwrap_or_default();
            return;
        }
    }
    let mut line_start = 0;
    while line_start < cell.len() {
        let line_end = cell[line_start..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(cell.len(), |p| line_start + p);
        let line = &cell[line_start..line_end];
        let trimmed: Vec<u8> = line
            .iter()
            .copied()
            .skip_while(|b| *b == b' ' || *b == b'\t')
            .collect();
        let magic = trimmed.first().is_some_and(|&b| b == b'%' || b == b'!')
            || (trimmed.ends_with(b"?") && !trimmed.starts_with(b"#"));
        if magic {
            blank(&mut cell[line_start..line_end]);
        }
        line_start = line_end + 1;
    }
    // Blanking replaces whole lines (UTF-8 sequences included) with ASCII.
    *code = String::from_utf8(bytes).unwrap_or_default();
}

fn blank(bytes: &mut [u8]) {
    for b in bytes {
        if *b != b'\n' && *b != b'\r' {
            *b = b' ';
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The notebook text after one edit of its code.
    fn edited(notebook: &str, find: &str, len: usize, replacement: &str) -> Option<String> {
        let code = code(notebook, Limits::default()).unwrap();
        let start = code.text.find(find).unwrap();
        let edit = Edit {
            span: Span::new(start, start + len),
            replacement: replacement.to_string(),
        };
        let e = code.notebook_edit(notebook, &edit)?;
        let mut out = notebook.to_string();
        out.replace_range(e.span.start..e.span.end, &e.replacement);
        Some(out)
    }

    const LINES: &str = "{\"cells\": [{\"cell_type\": \"code\", \"source\": [\n    \"f(a=\\\"x\\\",\\n\",\n    \"  b=1)\"\n  ]}]}";

    #[test]
    fn a_replacement_is_escaped_in_its_string() {
        let out = edited(LINES, "\"x\"", 3, "'é\"'").unwrap();
        assert!(out.contains(r#""f(a='é\"',\n","#), "{out}");
    }

    #[test]
    fn an_added_line_is_a_string_of_its_own() {
        // After `a="x",`: a new line, as a new string of the list.
        let out = edited(LINES, ",\n", 1, ",\n  c=2,").unwrap();
        assert_eq!(
            out,
            "{\"cells\": [{\"cell_type\": \"code\", \"source\": [\n    \"f(a=\\\"x\\\",\\n\",\n    \"  c=2,\\n\",\n    \"  b=1)\"\n  ]}]}"
        );
        // At the start of a line: the start of its string.
        let out = edited(LINES, "  b=1", 0, "# c\n").unwrap();
        assert!(out.contains("\"# c\\n\",\n    \"  b=1)\""), "{out}");
        // At the end of the last string, a final line break stays in it.
        let out = edited(LINES, ")", 1, ")\n").unwrap();
        assert!(out.ends_with("\"  b=1)\\n\"\n  ]}]}"), "{out}");
    }

    #[test]
    fn a_source_that_is_one_string_keeps_its_line_breaks_escaped() {
        let text = r#"{"cells": [{"cell_type": "code", "source": "f(a=1,\n  b=2)"}]}"#;
        let out = edited(text, "=1,", 3, "=1,\n  c=3,").unwrap();
        assert!(
            out.contains(r#""source": "f(a=1,\n  c=3,\n  b=2)""#),
            "{out}"
        );
    }

    #[test]
    fn edits_outside_one_string_are_refused() {
        // Across two strings of the list.
        assert_eq!(edited(LINES, ",\n", 4, ""), None);
        // Into a blanked magic.
        let text = r#"{"cells": [{"cell_type": "code", "source": ["%time x\n", "y"]}]}"#;
        assert_eq!(edited(text, " ", 1, "z"), None);
    }
}
