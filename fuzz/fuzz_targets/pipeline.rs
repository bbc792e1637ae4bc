//! The whole pipeline: bytes -> diagnostics -> every renderer. Never
//! panics (the fuzzer's panic hook aborts even inside the per-file
//! isolation), labels lie inside the text on character boundaries, and the
//! machine-readable formats always parse.
#![no_main]

use actlint::lint::{lint_bytes, Options};
use actlint::render;
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
    let width = 20 + usize::from(selector);
    let style = render::human::Style {
        color: selector & 1 == 1,
        width,
    };
    let _ = render::human::render(&reports, &style);
    let _ = render::human::summary_line(&reports);
    let _ = render::concise::render(&reports);
    let paths = render::ci::Paths::as_given();
    let _ = render::github::render(&reports, &paths, true);
    for doc in [
        render::json::render(&reports),
        render::sarif::render(&reports, &paths),
        render::gitlab::render(&reports, &paths),
        render::statistics::render_json(&reports),
    ] {
        serde_json::from_str::<serde_json::Value>(&doc).expect("machine output parses");
    }
    let _ = render::statistics::render_text(&reports);
});
