//! The YAML parser and the model builder: never panic, and every span of
//! the tree lies inside the text, on character boundaries.
#![no_main]

use actlint::tree::{yaml, Limits};
use libfuzzer_sys::fuzz_target;

mod spans;
use spans::{assert_in_text, check_spans};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match yaml::parse(text, Limits::default()) {
        Ok(docs) => {
            for root in &docs {
                check_spans(text, root);
                let _ = actlint::ir::build(root);
            }
        }
        Err(e) => assert_in_text(text, e.span.start, e.span.end),
    }
});
