//! Double-encoded JSON: a document whose JSON root is a string holding the
//! model JSON, as `json.dump(model.to_json(), f)` writes it.
//!
//! The string's content is parsed as JSON of its own, and every span of the
//! inner tree is mapped back to the outer text: byte `i` of the decoded
//! content maps to the byte of the outer text where the character (or the
//! escape sequence) that produced it starts. Escapes (`\"`, `\n`, `\u00e9`)
//! make the two differ, so the map is kept per byte, not as one offset.

use super::{json, Limits, Node, SyntaxError, Value};
use crate::source::Span;

/// The inner document of a double-encoded JSON file, its spans in the outer
/// text; `None` when `root` is not a string whose content looks like a JSON
/// object.
pub fn unwrap(text: &str, root: &Node, limits: Limits) -> Option<Result<Node, SyntaxError>> {
    let content = root.as_str()?;
    if !content.trim_start().starts_with('{') {
        return None;
    }
    let literal = text.get(root.span.start..root.span.end)?;
    let (decoded, map) = decode(literal, root.span.start)?;
    if decoded != content {
        return None;
    }
    let result = match json::parse(&decoded, limits) {
        Ok(mut node) => {
            remap(&mut node, &map);
            Ok(node)
        }
        Err(mut e) => {
            e.span = map_span(e.span, &map);
            e.message = format!("in the JSON string that holds the model: {}", e.message);
            Err(e)
        }
    };
    Some(result)
}

/// Decodes a JSON string literal (with its quotes) that starts at `base` in
/// the outer text: the content and, for each byte of it and one past the
/// end, the outer offset it comes from.
pub fn decode(literal: &str, base: usize) -> Option<(String, Vec<usize>)> {
    let bytes = literal.as_bytes();
    if bytes.len() < 2 || bytes[0] != b'"' || bytes[bytes.len() - 1] != b'"' {
        return None;
    }
    let end = bytes.len() - 1;
    let mut out = String::with_capacity(end);
    let mut map = Vec::with_capacity(end);
    let mut i = 1;
    while i < end {
        let at = base + i;
        if bytes[i] != b'\\' {
            let c = literal[i..].chars().next()?;
            out.push(c);
            map.extend(std::iter::repeat_n(at, c.len_utf8()));
            i += c.len_utf8();
            continue;
        }
        let (c, len) = escape(&literal[i..])?;
        out.push(c);
        map.extend(std::iter::repeat_n(at, c.len_utf8()));
        i += len;
    }
    map.push(base + end);
    Some((out, map))
}

/// One escape sequence at the start of `s`: the character and the length of
/// the sequence (a surrogate pair is one character of two `\u` escapes).
fn escape(s: &str) -> Option<(char, usize)> {
    let b = s.as_bytes();
    let c = match *b.get(1)? {
        b'"' => '"',
        b'\\' => '\\',
        b'/' => '/',
        b'b' => '\u{8}',
        b'f' => '\u{c}',
        b'n' => '\n',
        b'r' => '\r',
        b't' => '\t',
        b'u' => {
            let hi = u32::from_str_radix(s.get(2..6)?, 16).ok()?;
            if (0xD800..0xDC00).contains(&hi) && s.get(6..8) == Some("\\u") {
                let lo = u32::from_str_radix(s.get(8..12)?, 16).ok()?;
                if (0xDC00..0xE000).contains(&lo) {
                    let c = char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))?;
                    return Some((c, 12));
                }
            }
            // A lone surrogate decodes to U+FFFD, as the tree's parser does.
            return Some((char::from_u32(hi).unwrap_or('\u{FFFD}'), 6));
        }
        _ => return None,
    };
    Some((c, 2))
}

pub fn map_span(span: Span, map: &[usize]) -> Span {
    let at = |i: usize| map[i.min(map.len() - 1)];
    Span::new(at(span.start), at(span.end))
}

pub fn remap(node: &mut Node, map: &[usize]) {
    node.span = map_span(node.span, map);
    match &mut node.value {
        Value::Array(items) => items.iter_mut().for_each(|n| remap(n, map)),
        Value::Object(entries) => {
            for e in entries {
                e.key_span = map_span(e.key_span, map);
                remap(&mut e.value, map);
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_) | Value::Unknown => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_map_into_the_outer_string() {
        let text = r#""{\"a\": \"b\u00e9\", \"c\": [1]}""#;
        let root = json::parse(text, Limits::default()).unwrap();
        let inner = unwrap(text, &root, Limits::default()).unwrap().unwrap();
        let a = inner.entry("a").unwrap();
        assert_eq!(&text[a.key_span.start..a.key_span.end], r#"\"a\""#);
        assert_eq!(
            &text[a.value.span.start..a.value.span.end],
            r#"\"b\u00e9\""#
        );
        let c = inner.get("c").unwrap();
        assert_eq!(&text[c.span.start..c.span.end], "[1]");
    }

    #[test]
    fn a_string_that_is_not_json_is_left_alone() {
        let text = r#""hello""#;
        let root = json::parse(text, Limits::default()).unwrap();
        assert!(unwrap(text, &root, Limits::default()).is_none());
        let text = r#""{broken""#;
        let root = json::parse(text, Limits::default()).unwrap();
        assert!(unwrap(text, &root, Limits::default()).unwrap().is_err());
    }
}
