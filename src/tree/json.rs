//! A JSON parser that accepts exactly what Python's `json` module reads
//! (including `NaN`, `Infinity` and `-Infinity`, which `json.dumps` writes)
//! and records the byte span of every value and key.

use super::{Entry, Limits, Node, Number, Str, SyntaxError, Value};
use crate::source::Span;

pub fn parse(text: &str, limits: Limits) -> Result<Node, SyntaxError> {
    let mut p = Parser {
        src: text.as_bytes(),
        text,
        pos: 0,
        depth: 0,
        nodes: 0,
        limits,
        items: Vec::new(),
        entries: Vec::new(),
    };
    p.skip_ws();
    let node = p.value()?;
    p.skip_ws();
    if p.pos < p.src.len() {
        return Err(p.error_here("unexpected content after the JSON value"));
    }
    Ok(node)
}

struct Parser<'a> {
    src: &'a [u8],
    text: &'a str,
    pos: usize,
    depth: usize,
    nodes: usize,
    limits: Limits,
    /// The items of the arrays and the entries of the objects being read,
    /// innermost last. Each array or object takes its own off the top when
    /// it closes, in a vector of exactly its length: no growth reallocations
    /// while reading, and no spare capacity kept in the tree (a third of
    /// its memory otherwise).
    items: Vec<Node>,
    entries: Vec<Entry>,
}

impl<'a> Parser<'a> {
    fn error_at(&self, start: usize, end: usize, message: impl Into<String>) -> SyntaxError {
        let mut end = end.min(self.src.len()).max(start);
        while end < self.src.len() && !self.text.is_char_boundary(end) {
            end += 1;
        }
        SyntaxError {
            message: message.into(),
            span: Span::new(start, end),
        }
    }

    fn error_here(&self, message: &str) -> SyntaxError {
        if self.pos >= self.src.len() {
            return self.error_at(self.pos, self.pos, format!("{message} (end of file)"));
        }
        let found = self.text[self.pos..].chars().next().unwrap_or(' ');
        self.error_at(
            self.pos,
            self.pos + found.len_utf8(),
            format!("{message}, found {found:?}"),
        )
    }

    fn skip_ws(&mut self) {
        while let Some(&b) = self.src.get(self.pos) {
            if matches!(b, b' ' | b'\t' | b'\n' | b'\r') {
                self.pos += 1;
            } else {
                break;
            }
        }
    }

    fn count_node(&mut self, start: usize) -> Result<(), SyntaxError> {
        self.nodes += 1;
        if self.nodes > self.limits.max_nodes {
            return Err(self.error_at(
                start,
                start + 1,
                format!(
                    "document has more than {} values (node limit, `max-nodes`)",
                    self.limits.max_nodes
                ),
            ));
        }
        Ok(())
    }

    fn value(&mut self) -> Result<Node, SyntaxError> {
        let start = self.pos;
        self.count_node(start)?;
        match self.src.get(self.pos) {
            None => Err(self.error_here("expected a JSON value")),
            Some(b'{') => self.object(),
            Some(b'[') => self.array(),
            Some(b'"') => {
                let s = self.string()?;
                Ok(Node::new(Value::String(s), Span::new(start, self.pos)))
            }
            Some(b't') => self.keyword("true", Value::Bool(true)),
            Some(b'f') => self.keyword("false", Value::Bool(false)),
            Some(b'n') => self.keyword("null", Value::Null),
            Some(b'N') => self.keyword("NaN", number(f64::NAN)),
            Some(b'I') => self.keyword("Infinity", number(f64::INFINITY)),
            Some(b'-') if self.src[self.pos..].starts_with(b"-Infinity") => {
                self.keyword("-Infinity", number(f64::NEG_INFINITY))
            }
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => Err(self.error_here("expected a JSON value")),
        }
    }

    fn keyword(&mut self, word: &str, value: Value) -> Result<Node, SyntaxError> {
        let start = self.pos;
        if self.src[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(Node::new(value, Span::new(start, self.pos)))
        } else {
            Err(self.error_here("expected a JSON value"))
        }
    }

    fn enter(&mut self, start: usize) -> Result<(), SyntaxError> {
        self.depth += 1;
        if self.depth > self.limits.max_depth {
            return Err(self.error_at(
                start,
                start + 1,
                format!(
                    "nesting deeper than {} levels (depth limit, `max-depth`)",
                    self.limits.max_depth
                ),
            ));
        }
        Ok(())
    }

    fn array(&mut self) -> Result<Node, SyntaxError> {
        let start = self.pos;
        self.enter(start)?;
        self.pos += 1;
        let base = self.items.len();
        self.skip_ws();
        if self.src.get(self.pos) == Some(&b']') {
            self.pos += 1;
        } else {
            loop {
                self.skip_ws();
                let item = self.value()?;
                self.items.push(item);
                self.skip_ws();
                match self.src.get(self.pos) {
                    Some(b',') => self.pos += 1,
                    Some(b']') => {
                        self.pos += 1;
                        break;
                    }
                    _ => return Err(self.error_here("expected ',' or ']' in a list")),
                }
            }
        }
        self.depth -= 1;
        let items: Vec<Node> = self.items.drain(base..).collect();
        Ok(Node::new(Value::Array(items), Span::new(start, self.pos)))
    }

    fn object(&mut self) -> Result<Node, SyntaxError> {
        let start = self.pos;
        self.enter(start)?;
        self.pos += 1;
        let base = self.entries.len();
        self.skip_ws();
        if self.src.get(self.pos) == Some(&b'}') {
            self.pos += 1;
        } else {
            loop {
                self.skip_ws();
                if self.src.get(self.pos) != Some(&b'"') {
                    return Err(self.error_here("expected a string key in an object"));
                }
                let key_start = self.pos;
                let key = self.string()?;
                let key_span = Span::new(key_start, self.pos);
                self.skip_ws();
                if self.src.get(self.pos) != Some(&b':') {
                    return Err(self.error_here("expected ':' after an object key"));
                }
                self.pos += 1;
                self.skip_ws();
                let value = self.value()?;
                self.entries.push(Entry {
                    key,
                    key_span,
                    value,
                });
                self.skip_ws();
                match self.src.get(self.pos) {
                    Some(b',') => self.pos += 1,
                    Some(b'}') => {
                        self.pos += 1;
                        break;
                    }
                    _ => return Err(self.error_here("expected ',' or '}' in an object")),
                }
            }
        }
        self.depth -= 1;
        let entries: Vec<Entry> = self.entries.drain(base..).collect();
        Ok(Node::new(
            Value::Object(entries),
            Span::new(start, self.pos),
        ))
    }

    fn string(&mut self) -> Result<Str, SyntaxError> {
        let start = self.pos;
        self.pos += 1; // opening quote
                       // Most strings have no escapes: one scan, one copy.
        if let Some(len) = self.src[self.pos..]
            .iter()
            .position(|&b| STRING_STOP[usize::from(b)])
        {
            if self.src[self.pos + len] == b'"' {
                let out = Str::new(&self.text[self.pos..self.pos + len]);
                self.pos += len + 1;
                return Ok(out);
            }
        }
        let mut out = Str::default();
        let mut run = self.pos;
        loop {
            let Some(&b) = self.src.get(self.pos) else {
                return Err(self.error_at(start, self.pos, "unterminated string"));
            };
            match b {
                b'"' => {
                    out.push_str(&self.text[run..self.pos]);
                    self.pos += 1;
                    return Ok(out);
                }
                b'\\' => {
                    out.push_str(&self.text[run..self.pos]);
                    self.escape(start, &mut out)?;
                    run = self.pos;
                }
                0x00..=0x1f => {
                    return Err(self.error_at(
                        self.pos,
                        self.pos + 1,
                        "control character inside a string",
                    ))
                }
                _ => self.pos += 1,
            }
        }
    }

    /// The escape sequence at `self.pos` (its backslash), pushed to `out`;
    /// `start` is where the string opens, for the error of an unterminated one.
    fn escape(&mut self, start: usize, out: &mut Str) -> Result<(), SyntaxError> {
        let esc_start = self.pos;
        self.pos += 1;
        let Some(&e) = self.src.get(self.pos) else {
            return Err(self.error_at(start, self.pos, "unterminated string"));
        };
        self.pos += 1;
        match e {
            b'"' => out.push('"'),
            b'\\' => out.push('\\'),
            b'/' => out.push('/'),
            b'b' => out.push('\u{8}'),
            b'f' => out.push('\u{c}'),
            b'n' => out.push('\n'),
            b'r' => out.push('\r'),
            b't' => out.push('\t'),
            b'u' => {
                let c = self.unicode_escape(esc_start)?;
                // Python accepts lone surrogates; a Rust string cannot hold
                // them, so they become U+FFFD.
                out.push(c.unwrap_or('\u{FFFD}'));
            }
            _ => {
                return Err(self.error_at(
                    esc_start,
                    self.pos,
                    "invalid escape sequence in a string",
                ))
            }
        }
        Ok(())
    }

    /// The character of a `\uXXXX` escape whose digits start at `self.pos`,
    /// joined with a following low surrogate escape; `None` for a lone
    /// surrogate.
    fn unicode_escape(&mut self, esc_start: usize) -> Result<Option<char>, SyntaxError> {
        let hi = self.hex4(esc_start)?;
        if !((0xD800..0xDC00).contains(&hi) && self.src[self.pos..].starts_with(b"\\u")) {
            return Ok(char::from_u32(hi));
        }
        let save = self.pos;
        self.pos += 2;
        let lo = self.hex4(save)?;
        if (0xDC00..0xE000).contains(&lo) {
            Ok(char::from_u32(
                0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00),
            ))
        } else {
            self.pos = save;
            Ok(None)
        }
    }

    fn hex4(&mut self, esc_start: usize) -> Result<u32, SyntaxError> {
        let digits = self.src.get(self.pos..self.pos + 4);
        let value = digits
            .and_then(|d| std::str::from_utf8(d).ok())
            .and_then(|d| u32::from_str_radix(d, 16).ok());
        match value {
            Some(v) => {
                self.pos += 4;
                Ok(v)
            }
            None => Err(self.error_at(esc_start, self.pos, "invalid \\u escape in a string")),
        }
    }

    fn number(&mut self) -> Result<Node, SyntaxError> {
        let start = self.pos;
        if self.src.get(self.pos) == Some(&b'-') {
            self.pos += 1;
        }
        match self.src.get(self.pos) {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(self.error_here("expected a digit")),
        }
        let mut is_int = true;
        if self.src.get(self.pos) == Some(&b'.') {
            is_int = false;
            self.pos += 1;
            if !matches!(self.src.get(self.pos), Some(b'0'..=b'9')) {
                return Err(self.error_here("expected a digit after '.'"));
            }
            self.digits();
        }
        if matches!(self.src.get(self.pos), Some(b'e' | b'E')) {
            is_int = false;
            self.pos += 1;
            if matches!(self.src.get(self.pos), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if !matches!(self.src.get(self.pos), Some(b'0'..=b'9')) {
                return Err(self.error_here("expected a digit in the exponent"));
            }
            self.digits();
        }
        let raw = &self.text[start..self.pos];
        let int = if is_int {
            raw.parse::<i64>().ok()
        } else {
            None
        };
        // Integers (shapes, units, strides: most numbers in a model) up to
        // 2^53 are exact as floats: no decimal-to-float conversion for them.
        let value: f64 = match int {
            Some(i) if i.unsigned_abs() <= 1 << 53 => i as f64,
            _ => raw.parse().unwrap_or(f64::NAN),
        };
        Ok(Node::new(
            Value::Number(Number { value, int }),
            Span::new(start, self.pos),
        ))
    }

    fn digits(&mut self) {
        while matches!(self.src.get(self.pos), Some(b'0'..=b'9')) {
            self.pos += 1;
        }
    }
}

/// The bytes that end a run of plain characters in a string: the closing
/// quote, an escape, and the control characters JSON forbids there.
static STRING_STOP: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        t[b] = true;
        b += 1;
    }
    t[b'"' as usize] = true;
    t[b'\\' as usize] = true;
    t
};

fn number(value: f64) -> Value {
    Value::Number(Number { value, int: None })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Result<Node, SyntaxError> {
        parse(s, Limits::default())
    }

    #[test]
    fn spans_point_at_values_and_keys() {
        let text = r#"{"a": [1, "x\"y", null], "b": -Infinity}"#;
        let node = p(text).unwrap();
        let a = node.get("a").unwrap();
        assert_eq!(&text[a.span.start..a.span.end], r#"[1, "x\"y", null]"#);
        let items = a.as_array().unwrap();
        assert_eq!(items[1].as_str(), Some("x\"y"));
        assert_eq!(&text[items[1].span.start..items[1].span.end], r#""x\"y""#);
        let b = node.entry("b").unwrap();
        assert_eq!(&text[b.key_span.start..b.key_span.end], r#""b""#);
        assert_eq!(b.value.as_f64(), Some(f64::NEG_INFINITY));
    }

    #[test]
    fn python_specials_and_surrogates() {
        assert!(p("NaN").unwrap().as_f64().unwrap().is_nan());
        assert_eq!(p(r#""\ud83d\ude00""#).unwrap().as_str(), Some("😀"));
        assert_eq!(p(r#""\ud83d""#).unwrap().as_str(), Some("\u{FFFD}"));
    }

    #[test]
    fn rejects_what_python_rejects() {
        for bad in [
            "[1,]",
            "{'a': 1}",
            "01",
            "1.",
            "[1 2]",
            "\"a\tb\"",
            "{\"a\" 1}",
            "",
            "// x\n1",
        ] {
            assert!(p(bad).is_err(), "{bad:?} should not parse");
        }
    }

    #[test]
    fn depth_is_bounded() {
        let deep = "[".repeat(100_000);
        let err = p(&deep).unwrap_err();
        assert!(err.message.contains("depth limit"), "{}", err.message);
    }

    #[test]
    fn integers_keep_integer_value() {
        let n = p("[64, 64.0, 1e3, -3]").unwrap();
        let items = n.as_array().unwrap();
        assert_eq!(items[0].as_u64(), Some(64));
        assert_eq!(items[1].as_u64(), Some(64));
        assert_eq!(items[2].as_u64(), Some(1000));
        assert_eq!(items[3].as_u64(), None);
        assert_eq!(items[3].as_i64(), Some(-3));
    }
}
