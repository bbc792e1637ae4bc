//! Jupyter notebooks: the code cells, in order, read as one Python program.
//!
//! Each cell's `source` (a string or a list of strings in the notebook's
//! JSON) is decoded with a map from every byte of the code back to the
//! notebook text, so spans point at the right place in the `.ipynb` file.
//! IPython's magics and shell escapes (`%pip install`, `!ls`, `%%time`) are
//! blanked (their bytes become spaces), so they are neither parsed nor
//! reported; cells under a cell magic that runs something other than Python
//! (`%%bash`, `%%writefile`) are blanked whole.

use super::Lowered;
use crate::source::Span;
use crate::tree::{encoded, json, Limits, Node, SyntaxError};

/// The code of a notebook and, per byte, where it is in the notebook text.
pub struct Code {
    pub text: String,
    pub map: Vec<usize>,
    /// The code offset each code cell starts at, with its cell number (1-based, all cells counted).
    pub cells: Vec<(usize, usize)>,
}

impl Code {
    /// Where a byte of the notebook text is in its cells: the cell number
    /// (1-based, all cells counted) and the line and column (1-based, in
    /// characters) in that cell's code.
    pub fn position(&self, at: usize) -> Option<(usize, usize, usize)> {
        // The map is non-decreasing: the first code byte at or past `at`.
        let code_at = self.map.partition_point(|&m| m < at);
        if code_at >= self.text.len() || self.map[code_at] != at {
            return None;
        }
        let &(start, cell) = self.cells.iter().rev().find(|(s, _)| *s <= code_at)?;
        let before = self.text.get(start..code_at)?;
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() + 1;
        Some((cell, line, column))
    }
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
    };
    for (i, cell) in cells.iter().enumerate() {
        if cell.get("cell_type").and_then(Node::as_str) != Some("code") {
            continue;
        }
        let Some(source) = cell.get("source") else {
            continue;
        };
        let parts: Vec<&Node> = match source.as_array() {
            Some(items) => items.iter().collect(),
            None => vec![source],
        };
        let start = out.text.len();
        out.cells.push((start, i + 1));
        let mut end_of_cell = source.span.end;
        for part in parts {
            if part.as_str().is_none() {
                continue;
            }
            let literal = &text[part.span.start..part.span.end];
            let Some((decoded, map)) = encoded::decode(literal, part.span.start) else {
                continue;
            };
            out.text.push_str(&decoded);
            out.map.extend_from_slice(&map[..decoded.len()]);
            end_of_cell = map[decoded.len()];
        }
        blank_magics(&mut out.text, start);
        // Cells are separated by a line break (mapped to the end of the cell).
        out.text.push('\n');
        out.map.push(end_of_cell);
    }
    out.map.push(text.len());
    Ok(out)
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

/// Reads the models a notebook builds; spans point into the notebook text.
pub fn lower(text: &str, limits: Limits) -> Result<Lowered, SyntaxError> {
    let code = code(text, limits)?;
    match super::lower(&code.text) {
        Ok(mut lowered) => {
            for doc in &mut lowered.docs {
                encoded::remap(doc, &code.map);
            }
            for e in &mut lowered.errors {
                e.span = encoded::map_span(e.span, &code.map);
            }
            Ok(lowered)
        }
        Err(mut e) => {
            let cell = code
                .cells
                .iter()
                .rev()
                .find(|(start, _)| *start <= e.span.start)
                .map_or(1, |(_, n)| *n);
            e.message = format!("in cell {cell}: {}", e.message);
            e.span = encoded::map_span(e.span, &code.map);
            Err(e)
        }
    }
}
