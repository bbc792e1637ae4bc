//! The whole pipeline: bytes -> diagnostics -> every renderer. Never
//! panics (the fuzzer's panic hook aborts even inside the per-file
//! isolation), labels lie inside the text on character boundaries, and the
//! machine-readable formats always parse.
#![no_main]

mod spans;

use actlint::lint::{lint_bytes, Options};
use libfuzzer_sys::fuzz_target;

const NAMES: &[&str] = &[
    "model.yaml",
    "model.json",
    "model.keras",
    "model.keras.json",
    "-",
    "model.yml",
    "notes.txt",
    "config.json",
];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, bytes)) = data.split_first() else {
        return;
    };
    let path = NAMES[usize::from(selector) % NAMES.len()];
    let report = lint_bytes(path, bytes, &Options::default());
    spans::check_report(&report);
    spans::render_all(&[report], selector);
});
