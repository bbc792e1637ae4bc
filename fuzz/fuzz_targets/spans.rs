//! Checks shared by the front-end fuzz targets.

use actlint::tree::{Node, Value};

/// Every span of the tree lies inside the text, on character boundaries.
pub fn check_spans(text: &str, root: &Node) {
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        assert_in_text(text, node.span.start, node.span.end);
        match &node.value {
            Value::Array(items) => stack.extend(items),
            Value::Object(entries) => {
                for e in entries {
                    assert_in_text(text, e.key_span.start, e.key_span.end);
                    stack.push(&e.value);
                }
            }
            _ => {}
        }
    }
}

pub fn assert_in_text(text: &str, start: usize, end: usize) {
    assert!(
        start <= end && end <= text.len(),
        "span {start}..{end} outside the text"
    );
    assert!(text.is_char_boundary(start) && text.is_char_boundary(end));
}
