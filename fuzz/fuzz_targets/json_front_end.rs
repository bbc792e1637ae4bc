//! The JSON parser and the model builder: never panic, and every span of
//! the tree lies inside the text, on character boundaries.
#![no_main]

use actlint::tree::{json, Limits, Node, Value};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match json::parse(text, Limits::default()) {
        Ok(root) => {
            check_spans(text, &root);
            let _ = actlint::ir::build(&root);
        }
        Err(e) => assert_in_text(text, e.span.start, e.span.end),
    }
});

fn check_spans(text: &str, root: &Node) {
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

fn assert_in_text(text: &str, start: usize, end: usize) {
    assert!(
        start <= end && end <= text.len(),
        "span {start}..{end} outside the text"
    );
    assert!(text.is_char_boundary(start) && text.is_char_boundary(end));
}
