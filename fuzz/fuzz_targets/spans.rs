//! Checks shared by the fuzz targets: spans inside the text, and a whole
//! file's report (labels in the text, no internal error, every renderer's
//! output well formed).
#![allow(dead_code)] // each target uses some of the checks

use actlint::lint::FileReport;
use actlint::render;
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

/// A file's report: no internal error, and every label inside the text on
/// character boundaries (no label at all when there is no text).
pub fn check_report(report: &FileReport) {
    for d in &report.diagnostics {
        assert!(
            !actlint::lint::isolate::is_internal_error(d),
            "internal error: {}",
            d.message
        );
        let labels = d.primary.iter().chain(&d.secondary);
        match &report.source {
            Some(source) => {
                labels.for_each(|l| assert_in_text(&source.text, l.span.start, l.span.end))
            }
            None => assert_eq!(labels.count(), 0, "a label without text"),
        }
    }
}

/// Every renderer on the reports, at a width and colour the fuzzer's
/// `selector` byte picks: none panics and the machine-readable formats
/// parse.
pub fn render_all(reports: &[FileReport], selector: u8) {
    let style = render::human::Style {
        color: selector & 1 == 1,
        width: 20 + usize::from(selector),
    };
    let _ = render::human::render(reports, &style);
    let _ = render::human::summary_line(reports);
    let _ = render::concise::render(reports);
    let paths = render::ci::Paths::as_given();
    let _ = render::github::render(reports, &paths, true);
    for doc in [
        render::json::render(reports),
        render::sarif::render(reports, &paths),
        render::gitlab::render(reports, &paths),
        render::statistics::render_json(reports),
    ] {
        serde_json::from_str::<serde_json::Value>(&doc).expect("machine output parses");
    }
    let _ = render::statistics::render_text(reports);
}
