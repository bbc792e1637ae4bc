//! YAML 1.2 (core schema) into the spanned node tree, built from the event
//! stream of `saphyr-parser`. Aliases are expanded here, under the node
//! limit, so an alias bomb stops with a clear error instead of exhausting
//! memory; nesting depth is bounded the same way as for JSON.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle};

use super::{Entry, Limits, Node, Number, Str, SyntaxError, Value};
use crate::source::Span;

/// YAML streams hold only printable characters (YAML 1.2, 5.1: tab, line
/// breaks, and no C0 or C1 control character other than NEL), in comments
/// too; PyYAML refuses such a file, so it is a syntax error here rather
/// than a model that loads.
fn non_printable(text: &str) -> Option<SyntaxError> {
    let (at, c) = text.char_indices().find(|&(_, c)| {
        matches!(c, '\0'..='\x08' | '\x0B' | '\x0C' | '\x0E'..='\x1F' | '\x7F'..='\u{84}' | '\u{86}'..='\u{9F}' | '\u{FFFE}' | '\u{FFFF}')
    })?;
    Some(SyntaxError {
        message: format!(
            "control character U+{:04X} is not allowed in YAML (only tab and line breaks are); write it escaped inside a double-quoted string",
            c as u32
        ),
        span: Span::new(at, at + c.len_utf8()),
    })
}

/// Parses every document of a YAML stream.
pub fn parse(text: &str, limits: Limits) -> Result<Vec<Node>, SyntaxError> {
    if let Some(error) = non_printable(text) {
        return Err(error);
    }
    let offsets = CharOffsets::new(text);
    let mut parser = Parser::new_from_str(text);
    let mut builder = Builder {
        limits,
        stack: Vec::new(),
        anchors: HashMap::new(),
        nodes: 0,
        copied: 0,
        docs: Vec::new(),
        doc_root: None,
    };
    while let Some(next) = parser.next_event() {
        let (event, span) = match next {
            Ok(ev) => ev,
            Err(e) => {
                let at = offsets.byte(e.marker().index());
                let mut end = at;
                if let Some(c) = text[at.min(text.len())..].chars().next() {
                    end = at + c.len_utf8();
                }
                let message = if e.info().contains("recursion limit") {
                    "`[` and `{` nested more than 255 deep (the YAML parser's fixed depth limit)"
                        .to_string()
                } else {
                    e.info().to_string()
                };
                return Err(SyntaxError {
                    message,
                    span: Span::new(at.min(text.len()), end.min(text.len())),
                });
            }
        };
        let span = Span::new(
            offsets.byte(span.start.index()),
            offsets.byte(span.end.index()),
        );
        match event {
            Event::StreamEnd => break,
            Event::DocumentStart(_) => builder.doc_root = None,
            Event::DocumentEnd => {
                let root = builder
                    .doc_root
                    .take()
                    .unwrap_or_else(|| Node::new(Value::Null, Span::empty(span.start)));
                builder.docs.push(root);
            }
            other => builder.event(other, span, text)?,
        }
    }
    Ok(builder.docs)
}

/// saphyr reports positions in characters; spans are byte offsets.
struct CharOffsets {
    /// Byte offset of each char index, only built for non-ASCII text.
    table: Option<Vec<usize>>,
    len: usize,
}

impl CharOffsets {
    fn new(text: &str) -> Self {
        let table = if text.is_ascii() {
            None
        } else {
            let mut t: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
            t.push(text.len());
            Some(t)
        };
        CharOffsets {
            table,
            len: text.len(),
        }
    }
    fn byte(&self, char_index: usize) -> usize {
        match &self.table {
            None => char_index.min(self.len),
            Some(t) => t.get(char_index).copied().unwrap_or(self.len),
        }
    }
}

enum Frame {
    Seq {
        start: usize,
        anchor: usize,
        items: Vec<Node>,
        /// A Python tag PyYAML wrote on the sequence (`!!python/...`).
        python: Option<PythonTag>,
    },
    Map {
        start: usize,
        anchor: usize,
        entries: Vec<Entry>,
        key: Option<(Str, Span)>,
    },
}

struct Builder {
    limits: Limits,
    stack: Vec<Frame>,
    anchors: HashMap<usize, Node>,
    nodes: usize,
    /// Nodes copied for anchors and aliases, against `max_alias_nodes`.
    copied: usize,
    docs: Vec<Node>,
    doc_root: Option<Node>,
}

impl Builder {
    fn count(&mut self, n: usize, span: Span, what: &str) -> Result<(), SyntaxError> {
        self.nodes += n;
        if self.nodes > self.limits.max_nodes {
            return Err(SyntaxError {
                message: format!(
                    "document has more than {} values{what} (node limit, `max-nodes`)",
                    self.limits.max_nodes
                ),
                span,
            });
        }
        Ok(())
    }

    /// Counts a copy of `n` nodes made for an anchor or an alias; checked
    /// before the copy is made.
    fn copy(&mut self, n: usize, span: Span) -> Result<(), SyntaxError> {
        self.copied = self.copied.saturating_add(n);
        if self.copied > self.limits.max_alias_nodes {
            return Err(SyntaxError {
                message: format!(
                    "YAML aliases expand to more than {} values (alias expansion limit, `max-alias-nodes`)",
                    self.limits.max_alias_nodes
                ),
                span,
            });
        }
        Ok(())
    }

    /// Remembers an anchored node for later aliases.
    fn anchor(&mut self, anchor: usize, node: &Node) -> Result<(), SyntaxError> {
        if anchor > 0 {
            self.copy(node.count(), node.span)?;
            self.anchors.insert(anchor, node.clone());
        }
        Ok(())
    }

    fn event(&mut self, event: Event<'_>, span: Span, text: &str) -> Result<(), SyntaxError> {
        match event {
            Event::Scalar(value, style, anchor, tag) => {
                self.count(1, span, "")?;
                let plain = matches!(style, ScalarStyle::Plain);
                let is_str_tag = tag.as_ref().is_some_and(|t| t.suffix == "str");
                let value = if plain && !is_str_tag {
                    resolve_plain(&value)
                } else {
                    Value::String(value.as_ref().into())
                };
                let span = trim_scalar_span(text, span);
                let node = Node::new(value, span);
                self.anchor(anchor, &node)?;
                self.complete(node)
            }
            Event::Alias(id) => self.alias(id, span),
            Event::SequenceStart(anchor, ref tag) | Event::MappingStart(anchor, ref tag) => {
                let python = tag.as_ref().and_then(|t| python_tag(&t.suffix));
                self.count(1, span, "")?;
                if self.stack.len() >= self.limits.max_depth {
                    return Err(self.too_deep(span));
                }
                let frame = if matches!(event, Event::SequenceStart(..)) {
                    Frame::Seq {
                        start: span.start,
                        anchor,
                        items: Vec::new(),
                        python,
                    }
                } else {
                    Frame::Map {
                        start: span.start,
                        anchor,
                        entries: Vec::new(),
                        key: None,
                    }
                };
                self.stack.push(frame);
                Ok(())
            }
            Event::SequenceEnd | Event::MappingEnd => self.end(span, text),
            _ => Ok(()),
        }
    }

    /// An alias: a copy of its anchor's node, counted (and bounded) before
    /// the copy is made.
    fn alias(&mut self, id: usize, span: Span) -> Result<(), SyntaxError> {
        let Some(target) = self.anchors.get(&id) else {
            return Err(SyntaxError {
                message: "alias refers to an unknown anchor".into(),
                span,
            });
        };
        let size = target.count();
        let target_depth = depth(target);
        self.copy(size, span)?;
        self.count(size, span, " after expanding aliases")?;
        let target = self.anchors[&id].clone();
        if self.stack.len() + target_depth > self.limits.max_depth {
            return Err(self.too_deep(span));
        }
        self.complete(target)
    }

    fn too_deep(&self, span: Span) -> SyntaxError {
        SyntaxError {
            message: format!(
                "nesting deeper than {} levels (depth limit, `max-depth`)",
                self.limits.max_depth
            ),
            span,
        }
    }

    /// The end of a sequence or mapping: its frame becomes a node.
    fn end(&mut self, span: Span, text: &str) -> Result<(), SyntaxError> {
        let Some(frame) = self.stack.pop() else {
            return Ok(());
        };
        let (start, anchor, value, last_end) = match frame {
            Frame::Seq {
                start,
                anchor,
                items,
                python,
            } => {
                let last = items.last().map(|n| n.span.end);
                (start, anchor, python_value(python, items), last)
            }
            Frame::Map {
                start,
                anchor,
                entries,
                ..
            } => {
                let last = entries.last().map(|e| e.value.span.end);
                (start, anchor, Value::Object(entries), last)
            }
        };
        // Flow collections end at their closing bracket; block
        // collections end with their last value.
        let closes_flow =
            span.end > 0 && matches!(text.as_bytes().get(span.end - 1), Some(b']' | b'}'));
        let end = if closes_flow {
            span.end
        } else {
            last_end.unwrap_or(span.end).max(start)
        };
        let node = Node::new(value, Span::new(start, end));
        self.anchor(anchor, &node)?;
        self.complete(node)
    }

    fn complete(&mut self, node: Node) -> Result<(), SyntaxError> {
        match self.stack.last_mut() {
            None => {
                self.doc_root = Some(node);
            }
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map { entries, key, .. }) => match key.take() {
                None => {
                    let k = match &node.value {
                        Value::String(s) => s.clone(),
                        Value::Null => "null".into(),
                        Value::Bool(b) => b.to_string().into(),
                        Value::Number(n) => match n.int {
                            Some(i) => i.to_string().into(),
                            None => n.value.to_string().into(),
                        },
                        Value::Array(_) | Value::Object(_) | Value::Unknown => {
                            "<complex key>".into()
                        }
                    };
                    *key = Some((k, node.span));
                }
                Some((k, key_span)) => entries.push(Entry {
                    key: k,
                    key_span,
                    value: node,
                }),
            },
        }
        Ok(())
    }
}

fn depth(node: &Node) -> usize {
    let mut max = 0;
    let mut stack = vec![(node, 1usize)];
    while let Some((n, d)) = stack.pop() {
        max = max.max(d);
        match &n.value {
            Value::Array(items) => stack.extend(items.iter().map(|i| (i, d + 1))),
            Value::Object(entries) => stack.extend(entries.iter().map(|e| (&e.value, d + 1))),
            _ => {}
        }
    }
    max
}

/// Block scalars and plain multi-line scalars can carry trailing line
/// breaks in their span; labels look better without them.
fn trim_scalar_span(text: &str, span: Span) -> Span {
    let bytes = text.as_bytes();
    // A quoted scalar ends at its closing quote (the parser's span can run
    // on over trailing spaces and a comment).
    match bytes.get(span.start) {
        Some(b'"') => {
            let mut i = span.start + 1;
            while i < bytes.len() {
                match bytes[i] {
                    b'\\' => i += 2,
                    b'"' => return Span::new(span.start, i + 1),
                    _ => i += 1,
                }
            }
        }
        Some(b'\'') => {
            let mut i = span.start + 1;
            while i < bytes.len() {
                if bytes[i] == b'\'' {
                    if bytes.get(i + 1) == Some(&b'\'') {
                        i += 2;
                        continue;
                    }
                    return Span::new(span.start, i + 1);
                }
                i += 1;
            }
        }
        _ => {}
    }
    let mut end = span.end.min(text.len());
    while end > span.start && matches!(bytes[end - 1], b'\n' | b'\r' | b' ' | b'\t') {
        end -= 1;
    }
    Span::new(span.start, end)
}

/// The YAML 1.2 core schema for plain scalars.
fn resolve_plain(s: &str) -> Value {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return float(f64::INFINITY);
        }
        "-.inf" | "-.Inf" | "-.INF" => return float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return float(f64::NAN),
        _ => {}
    }
    let bytes = s.as_bytes();
    let (sign, digits) = match bytes[0] {
        b'-' => (-1i64, &s[1..]),
        b'+' => (1, &s[1..]),
        _ => (1, s),
    };
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        return match digits.parse::<i64>() {
            Ok(i) => Value::Number(Number {
                value: (sign * i) as f64,
                int: Some(sign * i),
            }),
            Err(_) => float(s.parse().unwrap_or(f64::NAN)),
        };
    }
    if let Some(oct) = s.strip_prefix("0o") {
        if let Ok(i) = i64::from_str_radix(oct, 8) {
            return Value::Number(Number {
                value: i as f64,
                int: Some(i),
            });
        }
    }
    if let Some(hex) = s.strip_prefix("0x") {
        if let Ok(i) = i64::from_str_radix(hex, 16) {
            return Value::Number(Number {
                value: i as f64,
                int: Some(i),
            });
        }
    }
    if is_core_float(digits) {
        if let Ok(f) = s.parse::<f64>() {
            return float(f);
        }
    }
    Value::String(s.into())
}

/// `( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?`
fn is_core_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    let int_digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
    i += int_digits;
    let mut frac_digits = 0;
    if b.get(i) == Some(&b'.') {
        i += 1;
        frac_digits = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
        i += frac_digits;
    }
    if int_digits == 0 && frac_digits == 0 {
        return false;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let exp = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
        if exp == 0 {
            return false;
        }
        i += exp;
    }
    i == b.len()
}

fn float(value: f64) -> Value {
    Value::Number(Number { value, int: None })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> Node {
        let mut docs = parse(text, Limits::default()).unwrap();
        assert_eq!(docs.len(), 1);
        docs.remove(0)
    }

    fn at<'a>(text: &'a str, n: &Node) -> &'a str {
        &text[n.span.start..n.span.end]
    }

    #[test]
    fn control_characters_are_syntax_errors_even_in_comments() {
        for (text, at) in [
            ("a: relu  # \x1b]0;title\x07\n", 11),
            ("a: \u{85}b\u{9b}\n", 6),
            ("a: 'x\0'\n", 5),
        ] {
            let e = parse(text, Limits::default()).unwrap_err();
            assert_eq!(e.span.start, at, "{text:?}: {}", e.message);
            assert!(
                e.message.starts_with("control character U+"),
                "{}",
                e.message
            );
        }
        // Tab, CR, LF, NEL and a BOM are allowed.
        assert!(parse("\u{feff}a: \tb\r\nc: x\u{85}\n", Limits::default()).is_ok());
    }

    #[test]
    fn scalar_spans_cover_the_value() {
        let text = "a: relu\nb: \"sig moid\"\nc: [1, 2.5, x]\nd: {k: 'v'}\n";
        let n = one(text);
        assert_eq!(at(text, n.get("a").unwrap()), "relu");
        assert_eq!(at(text, n.get("b").unwrap()), "\"sig moid\"");
        assert_eq!(at(text, n.get("c").unwrap()), "[1, 2.5, x]");
        assert_eq!(at(text, n.get("d").unwrap()), "{k: 'v'}");
        assert_eq!(at(text, n.get("d").unwrap().get("k").unwrap()), "'v'");
        let c = n.get("c").unwrap().as_array().unwrap();
        assert_eq!(c[0].as_u64(), Some(1));
        assert_eq!(c[1].as_f64(), Some(2.5));
        assert_eq!(c[2].as_str(), Some("x"));
    }

    #[test]
    fn quoted_scalars_end_at_their_closing_quote() {
        let text = "a: \"rl\\\"eu\"  # typo\nb: 'it''s'   # c\n";
        let n = one(text);
        assert_eq!(at(text, n.get("a").unwrap()), "\"rl\\\"eu\"");
        assert_eq!(n.get("a").unwrap().as_str(), Some("rl\"eu"));
        assert_eq!(at(text, n.get("b").unwrap()), "'it''s'");
    }

    #[test]
    fn block_sequences_and_non_ascii() {
        let text = "# ü comment\nlayers:\n  - type: Dense   # é\n    activation: relu\n";
        let n = one(text);
        let layers = n.get("layers").unwrap().as_array().unwrap();
        let act = layers[0].get("activation").unwrap();
        assert_eq!(at(text, act), "relu");
        assert_eq!(at(text, layers[0].get("type").unwrap()), "Dense");
    }

    #[test]
    fn core_schema() {
        let n = one("[~, null, true, False, 0x1F, 0o17, 1e3, .inf, -.5, '1', yes, 1.2.3]");
        let v: Vec<&Value> = n.as_array().unwrap().iter().map(|n| &n.value).collect();
        assert_eq!(v[0], &Value::Null);
        assert_eq!(v[1], &Value::Null);
        assert_eq!(v[2], &Value::Bool(true));
        assert_eq!(v[3], &Value::Bool(false));
        assert_eq!(n.as_array().unwrap()[4].as_u64(), Some(31));
        assert_eq!(n.as_array().unwrap()[5].as_u64(), Some(15));
        assert_eq!(n.as_array().unwrap()[6].as_f64(), Some(1000.0));
        assert_eq!(n.as_array().unwrap()[7].as_f64(), Some(f64::INFINITY));
        assert_eq!(n.as_array().unwrap()[8].as_f64(), Some(-0.5));
        assert_eq!(v[9], &Value::String("1".into()));
        assert_eq!(v[10], &Value::String("yes".into()));
        assert_eq!(v[11], &Value::String("1.2.3".into()));
    }

    #[test]
    fn aliases_expand_and_bombs_stop() {
        let n = one("a: &x {k: 1}\nb: *x\n");
        assert_eq!(n.get("b").unwrap().get("k").unwrap().as_u64(), Some(1));
        let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let prev = format!("*a{}", i - 1);
            bomb.push_str(&format!("a{i}: &a{i} [{}]\n", vec![prev; 10].join(", ")));
        }
        let err = parse(&bomb, Limits::default()).unwrap_err();
        assert!(
            err.message.contains("alias expansion limit"),
            "{}",
            err.message
        );
        // Without the alias limit, the node limit stops it.
        let loose = Limits {
            max_alias_nodes: usize::MAX,
            max_nodes: 100_000,
            ..Limits::default()
        };
        let err = parse(&bomb, loose).unwrap_err();
        assert!(err.message.contains("node limit"), "{}", err.message);
    }

    #[test]
    fn deep_nesting_is_bounded() {
        let deep = format!("{}{}", "[".repeat(50_000), "]".repeat(50_000));
        let err = parse(&deep, Limits::default()).unwrap_err();
        assert!(err.message.contains("depth limit"), "{}", err.message);
    }

    #[test]
    fn syntax_errors_have_a_place() {
        let text = "a: [1, 2\nb: 3\n";
        let err = parse(text, Limits::default()).unwrap_err();
        assert!(err.span.start <= text.len());
    }
}

/// The Python tags of old `to_yaml()` output whose value actlint reads. The
/// tags are never acted on: a tagged sequence is read as data.
#[derive(Clone, Copy, Debug, PartialEq)]
enum PythonTag {
    /// `!!python/object/apply:...ListWrapper [list]`: the list.
    ListWrapper,
    /// `!!python/object/apply:numpy.core.multiarray.scalar [dtype, bytes]`.
    NumpyScalar,
}

/// `python/tuple` needs nothing (a tuple is a sequence); the other
/// `python/...` tags are read as the sequence they tag.
fn python_tag(suffix: &str) -> Option<PythonTag> {
    let callable = suffix.strip_prefix("python/object/apply:")?;
    if callable.ends_with(".ListWrapper") || callable == "ListWrapper" {
        Some(PythonTag::ListWrapper)
    } else if callable.starts_with("numpy.") && callable.ends_with(".scalar") {
        Some(PythonTag::NumpyScalar)
    } else {
        None
    }
}

/// The value of a tagged sequence: a ListWrapper's single list argument,
/// a NumPy scalar's number when its dtype and bytes decode (else null:
/// unknown, never a guess), or the sequence itself.
fn python_value(tag: Option<PythonTag>, mut items: Vec<Node>) -> Value {
    match tag {
        Some(PythonTag::ListWrapper) if items.len() == 1 && items[0].as_array().is_some() => {
            items.pop().map(|n| n.value).unwrap_or(Value::Null)
        }
        Some(PythonTag::NumpyScalar) => numpy_scalar(&items).map_or(Value::Null, Value::Number),
        Some(PythonTag::ListWrapper) | None => Value::Array(items),
    }
}

/// A NumPy scalar from its pickled arguments: the dtype (`args: [i8, ...]`,
/// byte order first in `state`) and the raw bytes (`!!binary`, base64).
fn numpy_scalar(items: &[Node]) -> Option<Number> {
    let [dtype, bytes] = items else {
        return None;
    };
    let kind = dtype.get("args")?.as_array()?.first()?.as_str()?;
    let order = dtype
        .get("state")
        .and_then(Node::as_array)
        .and_then(|s| s.get(1))
        .and_then(Node::as_str)
        .unwrap_or("<");
    if order == ">" {
        return None;
    }
    let raw = base64(bytes.as_str()?)?;
    let word = |n: usize| -> Option<[u8; 8]> {
        if raw.len() != n {
            return None;
        }
        let mut w = [0u8; 8];
        w[..n].copy_from_slice(&raw);
        Some(w)
    };
    let int = |i: i64| Number {
        value: i as f64,
        int: Some(i),
    };
    match kind {
        "i8" | "i4" | "i2" | "i1" => {
            let n: usize = kind[1..].parse().ok()?;
            let w = word(n)?;
            // Sign-extend from n bytes.
            let shift = 64 - 8 * n as u32;
            Some(int((i64::from_le_bytes(w) << shift) >> shift))
        }
        "u8" | "u4" | "u2" | "u1" => {
            let n: usize = kind[1..].parse().ok()?;
            let v = u64::from_le_bytes(word(n)?);
            Some(int(i64::try_from(v).ok()?))
        }
        "f8" => {
            let v = f64::from_le_bytes(word(8)?);
            v.is_finite().then_some(Number {
                value: v,
                int: None,
            })
        }
        "f4" => {
            let w = word(4)?;
            let v = f64::from(f32::from_le_bytes([w[0], w[1], w[2], w[3]]));
            v.is_finite().then_some(Number {
                value: v,
                int: None,
            })
        }
        _ => None,
    }
}

/// Standard base64 (whitespace ignored); `None` on anything else.
fn base64(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut acc = 0u32;
    let mut bits = 0;
    for c in text.bytes().filter(|c| !c.is_ascii_whitespace()) {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => break,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod python_tag_tests {
    use super::*;

    fn parse_one(text: &str) -> Node {
        parse(text, Limits::default()).unwrap().remove(0)
    }

    #[test]
    fn tuples_list_wrappers_and_numpy_scalars() {
        let n = parse_one(
            "t: !!python/tuple [null, 3]\n\
             axis: !!python/object/apply:tensorflow.python.training.tracking.data_structures.ListWrapper\n\
             - - 1\n\
             d: !!python/object/apply:numpy.core.multiarray.scalar\n\
             - !!python/object/apply:numpy.dtype\n  args: [i8, false, true]\n  state: !!python/tuple [3, <, null, null, null, -1, -1, 0]\n\
             - !!binary |\n  QAAAAAAAAAA=\n\
             bad: !!python/object/apply:numpy.core.multiarray.scalar\n\
             - !!python/object/apply:numpy.dtype\n  args: [O8, false, true]\n\
             - !!binary |\n  QAAAAAAAAAA=\n",
        );
        assert_eq!(n.get("t").unwrap().as_array().unwrap().len(), 2);
        let axis = n.get("axis").unwrap().as_array().unwrap();
        assert_eq!(axis.len(), 1);
        assert_eq!(axis[0].as_u64(), Some(1));
        assert_eq!(n.get("d").unwrap().as_u64(), Some(64));
        assert!(n.get("bad").unwrap().is_null());
    }
}
