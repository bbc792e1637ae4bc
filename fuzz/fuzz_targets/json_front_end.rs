//! The JSON parser and the model builder: never panic, and every span of
//! the tree lies inside the text, on character boundaries.
#![no_main]

use actlint::tree::{json, Limits};
use libfuzzer_sys::fuzz_target;

mod spans;
use spans::{assert_in_text, check_spans};

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
