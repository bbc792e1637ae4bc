//! The Python front end: `.py` source and `.ipynb` notebooks through the
//! whole pipeline (`lint_bytes`). Never panics (the fuzzer's panic hook
//! aborts even inside the per-file isolation), reports no internal error,
//! and labels lie inside the text on character boundaries.
#![no_main]

use actlint::lint::{lint_bytes, Options};
use actlint::render;
use libfuzzer_sys::fuzz_target;

const NAMES: &[&str] = &["model.py", "train.ipynb", "src/Model.PY", "notebook.IPYNB"];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, bytes)) = data.split_first() else {
        return;
    };
    let path = NAMES[usize::from(selector) % NAMES.len()];
    let report = lint_bytes(path, bytes, &Options::default());
    for d in &report.diagnostics {
        assert!(
            !actlint::lint::isolate::is_internal_error(d),
            "internal error: {}",
            d.message
        );
        let labels = d.primary.iter().chain(&d.secondary);
        match &report.source {
            Some(source) => {
                for l in labels {
                    let (s, e) = (l.span.start, l.span.end);
                    assert!(
                        s <= e && e <= source.text.len(),
                        "label {s}..{e} outside the text"
                    );
                    assert!(source.text.is_char_boundary(s) && source.text.is_char_boundary(e));
                }
            }
            None => assert_eq!(labels.count(), 0, "a label without text"),
        }
    }
    let reports = [report];
    let style = render::human::Style {
        color: selector & 1 == 1,
        width: 40 + usize::from(selector),
    };
    let _ = render::human::render(&reports, &style);
    serde_json::from_str::<serde_json::Value>(&render::json::render(&reports))
        .expect("machine output parses");
});
