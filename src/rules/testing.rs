//! Helpers for the rules' unit tests: lint a document (YAML or JSON, by
//! its file name) with chosen rules and read what they report, and build
//! Keras 3 functional models.

use crate::diagnostic::Diagnostic;
use crate::lint::{lint_bytes, Options};

/// Options that enable only the rules `select`.
pub(crate) fn selecting(select: &[&'static str]) -> Options {
    Options {
        select: Some(select.iter().copied().collect()),
        ..Options::default()
    }
}

/// The diagnostics of a document linted with `options`, in position order.
pub(crate) fn lint_with(path: &str, text: &str, options: &Options) -> Vec<Diagnostic> {
    lint_bytes(path, text.as_bytes(), options).diagnostics
}

/// The diagnostics of the rules `select` on a document, in position order.
pub(crate) fn lint(path: &str, text: &str, select: &[&'static str]) -> Vec<Diagnostic> {
    lint_with(path, text, &selecting(select))
}

/// The diagnostics of the default rules on a document, in position order.
pub(crate) fn lint_all(path: &str, text: &str) -> Vec<Diagnostic> {
    lint_with(path, text, &Options::default())
}

/// The diagnostics of rule `code` on a document linted with the default
/// rules (the other rules run too, as they do for a user), in position
/// order.
pub(crate) fn reported(path: &str, text: &str, code: &str) -> Vec<Diagnostic> {
    lint_all(path, text)
        .into_iter()
        .filter(|d| d.code == code)
        .collect()
}

/// The codes the given rules report on a document, in position order.
pub(crate) fn codes_with(
    path: &str,
    text: &str,
    select: &[&'static str],
    depth: usize,
) -> Vec<&'static str> {
    let mut options = selecting(select);
    options.rule_options.set(
        &crate::rules::hidden::vanishing_gradient_risk::DEPTH,
        crate::rules::OptionValue::Integer(depth as i64),
    );
    lint_with(path, text, &options)
        .iter()
        .map(|d| d.code)
        .collect()
}

/// The codes of the hidden-layer, recurrent and initialization rules.
pub(crate) fn codes(path: &str, text: &str) -> Vec<&'static str> {
    codes_with(
        path,
        text,
        &[
            "ACT201", "ACT203", "ACT204", "ACT301", "ACT302", "ACT401", "ACT402",
        ],
        5,
    )
}

/// A Keras 3 functional model: `(class, name, config, inputs)` per
/// layer, in the shape `model.to_json()` writes; the first layer listed
/// is the input, the last the output.
pub(crate) fn functional(layers: &[(&str, &str, &str, &[&str])], loss: &str) -> String {
    let tensor = |name: &str| {
        format!(
            r#"{{"class_name": "__keras_tensor__", "config": {{"shape": [null, 8], "dtype": "float32", "keras_history": ["{name}", 0, 0]}}}}"#
        )
    };
    let entries: Vec<String> = layers
        .iter()
        .map(|(class, name, config, inputs)| {
            let nodes = match inputs {
                [] => String::new(),
                [one] => format!(r#"{{"args": [{}], "kwargs": {{}}}}"#, tensor(one)),
                many => format!(
                    r#"{{"args": [[{}]], "kwargs": {{}}}}"#,
                    many.iter().map(|i| tensor(i)).collect::<Vec<_>>().join(", ")
                ),
            };
            let sep = if config.is_empty() { "" } else { ", " };
            format!(
                r#"{{"module": "keras.layers", "class_name": "{class}", "config": {{"name": "{name}"{sep}{config}}}, "registered_name": null, "name": "{name}", "inbound_nodes": [{nodes}]}}"#
            )
        })
        .collect();
    let first = layers.first().map_or("", |l| l.1);
    let last = layers.last().map_or("", |l| l.1);
    format!(
        r#"{{"module": "keras", "class_name": "Functional", "config": {{"name": "m", "trainable": true, "layers": [{}], "input_layers": [["{first}", 0, 0]], "output_layers": [["{last}", 0, 0]]}}, "registered_name": "Functional", "compile_config": {{"optimizer": "adam", "loss": "{loss}", "metrics": null}}}}"#,
        entries.join(", ")
    )
}

pub(crate) const INPUT: &str = r#""batch_shape": [null, 8], "dtype": "float32""#;

#[test]
fn test_functional_builder_loads() {
    let json = functional(
        &[
            ("InputLayer", "x", INPUT, &[]),
            ("Dense", "h", r#""units": 8, "activation": "relu""#, &["x"]),
            (
                "Dense",
                "out",
                r#""units": 1, "activation": "linear""#,
                &["h"],
            ),
        ],
        "mse",
    );
    // The relu layer on the default-equivalent Glorot kernel is found
    // through the graph edges.
    assert_eq!(codes("m.json", &json), ["ACT401"]);
}
