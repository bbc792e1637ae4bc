//! The Python front end: `.py` source and `.ipynb` notebooks through the
//! whole pipeline (`lint_bytes`). Never panics (the fuzzer's panic hook
//! aborts even inside the per-file isolation), reports no internal error,
//! labels lie inside the text on character boundaries, and the
//! machine-readable formats always parse.
#![no_main]

mod spans;

use actlint::lint::{lint_bytes, Options};
use libfuzzer_sys::fuzz_target;

const NAMES: &[&str] = &["model.py", "train.ipynb", "src/Model.PY", "notebook.IPYNB"];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, bytes)) = data.split_first() else {
        return;
    };
    let path = NAMES[usize::from(selector) % NAMES.len()];
    let report = lint_bytes(path, bytes, &Options::default());
    spans::check_report(&report);
    spans::render_all(&[report], selector);
});
