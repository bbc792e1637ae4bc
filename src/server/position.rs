//! Byte offsets (what actlint's spans are) to LSP positions and back.
//!
//! LSP positions are a 0-based line and a character offset counted in UTF-16
//! code units (the encoding every client supports): `é` is one unit, `🙂`
//! two. Lines end at `\n`, `\r\n` or a lone `\r`, as the protocol says.

use lsp_types::{Position, Range};

use crate::tree::Span;

/// The line starts of a text, for converting offsets both ways.
pub struct LineIndex<'a> {
    text: &'a str,
    /// Byte offset of the start of each line.
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\n' => starts.push(i + 1),
                b'\r' if bytes.get(i + 1) != Some(&b'\n') => starts.push(i + 1),
                _ => {}
            }
            i += 1;
        }
        LineIndex { text, starts }
    }

    pub fn text(&self) -> &'a str {
        self.text
    }

    /// The 0-based line holding a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        }
    }

    pub fn line_start(&self, line: usize) -> usize {
        self.starts[line.min(self.starts.len() - 1)]
    }

    /// The end of a line's content: before its `\n`, `\r\n` or `\r`.
    pub fn line_end(&self, line: usize) -> usize {
        let end = match self.starts.get(line + 1) {
            Some(&next) => next,
            None => return self.text.len(),
        };
        let content = &self.text[self.line_start(line)..end];
        let trimmed = content
            .strip_suffix("\r\n")
            .or_else(|| content.strip_suffix('\n'))
            .or_else(|| content.strip_suffix('\r'))
            .unwrap_or(content);
        self.line_start(line) + trimmed.len()
    }

    /// The position of a byte offset. An offset past the end is the end; an
    /// offset inside a character counts as its start.
    pub fn position(&self, offset: usize) -> Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_of(offset);
        let start = self.line_start(line);
        // The `\n` of a `\r\n` is the end of the line too.
        let offset = offset.min(self.line_end(line));
        let character: usize = self.text[start..offset].chars().map(char::len_utf16).sum();
        Position::new(line as u32, character as u32)
    }

    pub fn range(&self, span: Span) -> Range {
        Range::new(self.position(span.start), self.position(span.end))
    }

    /// The byte offset of a position. A character past the end of its line
    /// is the line's end (as the protocol asks), a line past the last one is
    /// the end of the text, and a position inside a surrogate pair counts as
    /// the start of its character.
    pub fn offset(&self, position: Position) -> usize {
        let line = position.line as usize;
        if line >= self.starts.len() {
            return self.text.len();
        }
        let start = self.line_start(line);
        let end = self.line_end(line);
        let mut units = 0usize;
        for (i, c) in self.text[start..end].char_indices() {
            let next = units + c.len_utf16();
            if next > position.character as usize {
                return start + i;
            }
            units = next;
        }
        end
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_offsets_are_columns() {
        let ix = LineIndex::new("ab\ncd\n");
        assert_eq!(ix.position(0), Position::new(0, 0));
        assert_eq!(ix.position(4), Position::new(1, 1));
        assert_eq!(ix.position(6), Position::new(2, 0));
        assert_eq!(ix.offset(Position::new(1, 1)), 4);
    }

    #[test]
    fn non_ascii_text_before_the_span_counts_in_utf16_units() {
        // `é` is 2 bytes and 1 UTF-16 unit; `🙂` is 4 bytes and 2 units.
        let text = "# café 🙂\nactivation: relu # ünïcode\n";
        let ix = LineIndex::new(text);
        let relu = text.find("relu").unwrap();
        assert_eq!(ix.position(relu), Position::new(1, 12));
        let after_emoji = text.find('\n').unwrap();
        // "# café " is 7 units, the emoji 2.
        assert_eq!(ix.position(after_emoji), Position::new(0, 9));
        let same_line = "x: \"😀😀\" # ok\ny: relu";
        let ix = LineIndex::new(same_line);
        let hash = same_line.find('#').unwrap();
        // `x: "` is 4 units, each emoji 2, then `" `.
        assert_eq!(ix.position(hash), Position::new(0, 10));
        // And back.
        assert_eq!(ix.offset(Position::new(0, 10)), hash);
        assert_eq!(
            ix.offset(ix.position(relu_in(same_line))),
            relu_in(same_line)
        );
    }

    fn relu_in(text: &str) -> usize {
        text.find("relu").unwrap()
    }

    #[test]
    fn every_character_boundary_round_trips() {
        let text = "a\u{e9}\u{1F642}b\r\nz\u{3b1}\rq\n\u{10348}";
        let ix = LineIndex::new(text);
        for (i, _) in text.char_indices().chain([(text.len(), ' ')]) {
            if text[..i].ends_with('\r') && text[i..].starts_with('\n') {
                // Between `\r` and `\n` is not a position.
                continue;
            }
            assert_eq!(ix.offset(ix.position(i)), i, "offset {i}");
        }
    }

    #[test]
    fn line_breaks_are_lf_crlf_and_cr() {
        let ix = LineIndex::new("a\r\nb\rc\nd");
        assert_eq!(ix.position(3), Position::new(1, 0));
        assert_eq!(ix.position(5), Position::new(2, 0));
        assert_eq!(ix.position(7), Position::new(3, 0));
        assert_eq!(ix.line_end(0), 1);
        assert_eq!(ix.line_end(1), 4);
        assert_eq!(ix.line_end(3), 8);
    }

    #[test]
    fn out_of_range_positions_are_clamped() {
        let ix = LineIndex::new("ab\ncd");
        assert_eq!(ix.offset(Position::new(0, 99)), 2);
        assert_eq!(ix.offset(Position::new(7, 0)), 5);
        assert_eq!(ix.position(99), Position::new(1, 2));
        // Inside a surrogate pair: the start of the character.
        let ix = LineIndex::new("\u{1F642}x");
        assert_eq!(ix.offset(Position::new(0, 1)), 0);
        assert_eq!(ix.offset(Position::new(0, 2)), 4);
        // Inside a multi-byte character: its start.
        assert_eq!(ix.position(2), Position::new(0, 0));
    }
}
