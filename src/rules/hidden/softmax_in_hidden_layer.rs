//! ACT202 `softmax-in-hidden-layer`: softmax as a hidden activation.

use std::collections::HashSet;

use crate::diagnostic::Diagnostic;
use crate::ir::catalog::{self, ActFamily};
use crate::ir::{Layer, LayerId, Model};
use crate::rules::walk;
use crate::rules::{Context, Rule};

crate::declare_rule! {
    /// softmax as a hidden activation.
    pub struct SoftmaxInHiddenLayer {
        code: "ACT202",
        name: "softmax-in-hidden-layer",
        category: Hidden,
        severity: Warning,
        concerns: [Activation(Softmax)],
    }
}

/// Layers that use their input as weights over another tensor: a softmax
/// feeding one of them computes attention (or mixture-of-experts gating).
fn weighs_values(layer: &Layer) -> bool {
    matches!(
        layer.class(),
        "Multiply" | "Dot" | "Matmul" | "MatMul" | "Einsum" | "BatchDot" | "Tensordot"
    )
}

/// Layers whose computation the config does not show: a softmax feeding
/// one may be attention written by hand.
fn is_opaque(layer: &Layer) -> bool {
    layer.custom || matches!(layer.class(), "Lambda" | "TFOpLambda" | "SlicingOpLambda")
}

/// Layers that pass a softmax output on as weights, rearranged at most
/// (`RepeatVector` + `Permute` in front of a `Multiply`).
fn passes_on(layer: &Layer) -> bool {
    catalog::is_shape_layer(layer.class()) || catalog::is_dropout(layer.class())
}

/// The layers that consume a layer's value (outermost ids): its successors,
/// the consumers of a nested model when it is that model's output, and the
/// input layers of a nested model it feeds.
fn consumers(model: &Model, id: LayerId) -> Vec<LayerId> {
    let mut found = Vec::new();
    let mut stack = vec![model.outermost(id)];
    let mut seen = HashSet::new();
    while let Some(cur) = stack.pop() {
        if !seen.insert(cur) {
            continue;
        }
        let layer = model.layer(cur);
        for &c in &layer.outputs {
            let target = model.layer(c);
            match target.nested.and_then(|g| model.graphs.get(g)) {
                Some(inner) => found.extend(inner.inputs.iter().map(|&i| model.outermost(i))),
                None => found.push(c),
            }
        }
        // The output of a nested model flows on to the model's own consumers.
        if let Some(graph) = model.graphs.get(layer.graph) {
            if let Some(owner) = graph.owner {
                if graph.outputs.iter().any(|o| o.layer == cur) {
                    stack.push(model.outermost(owner));
                }
            }
        }
    }
    found
}

/// Where a softmax output goes.
enum Use {
    /// It weighs other values (attention), or goes into code the config
    /// does not show.
    Weights,
    /// It becomes the input of a later weight layer: a hidden activation.
    Hidden(LayerId),
    /// It only reaches model outputs (possibly merged: an ensemble average).
    Output,
}

fn classify(model: &Model, id: LayerId) -> Use {
    // First the direct consumers, looking through reshapes and dropout.
    let mut frontier = consumers(model, id);
    let mut direct = Vec::new();
    let mut seen = HashSet::new();
    while let Some(c) = frontier.pop() {
        if !seen.insert(c) {
            continue;
        }
        let inner = walk::content(model, c);
        if passes_on(inner) {
            frontier.extend(consumers(model, c));
        } else {
            direct.push(c);
        }
    }
    if direct
        .iter()
        .any(|&c| weighs_values(walk::content(model, c)) || is_opaque(walk::content(model, c)))
    {
        return Use::Weights;
    }
    // Then everything downstream: does a weight layer transform it further?
    let mut stack = direct;
    let mut seen = HashSet::new();
    while let Some(c) = stack.pop() {
        if !seen.insert(c) {
            continue;
        }
        let inner = walk::content(model, c);
        if inner.is_weight_layer() || inner.is_recurrent() {
            return Use::Hidden(c);
        }
        if is_opaque(inner) {
            return Use::Weights;
        }
        stack.extend(consumers(model, c));
    }
    Use::Output
}

/// How the message names a layer; an unnamed layer of a nested model also
/// names the model, since positions restart in each model.
fn describe(model: &Model, id: LayerId) -> String {
    let base = model.describe_layer(id);
    let graph = walk::graph_of(model, id);
    match model.graphs.get(graph).and_then(|g| g.owner) {
        Some(owner) if model.layer(id).name().is_none() => {
            format!("{base} of {}", model.describe_layer(owner))
        }
        _ => base,
    }
}

impl Rule for SoftmaxInHiddenLayer {
    fn check_layer(&self, cx: &Context<'_>, layer: &Layer, out: &mut Vec<Diagnostic>) {
        if layer.custom || layer.wrapped.is_some() {
            return;
        }
        if !(layer.is_weight_layer() || layer.is_recurrent() || walk::is_activation_layer(layer)) {
            return;
        }
        let Some(act) = layer.activation.as_ref() else {
            return;
        };
        if act.family() != Some(ActFamily::Softmax) {
            return;
        }
        let model = cx.model;
        if model.is_head_layer(layer.id) || model.is_head_layer(model.outermost(layer.id)) {
            return;
        }
        let Use::Hidden(next) = classify(model, layer.id) else {
            return;
        };
        let next_layer = walk::content(model, next);
        out.push(
            META.diag(format!(
                "{} uses {} as a hidden activation: its outputs are forced to sum to 1 before {} transforms them",
                describe(model, layer.id),
                act.name,
                describe(model, next_layer.id),
            ))
            .at(act.span, format!("`{}` as a hidden activation", act.name))
            .label(next_layer.class.span, "transforms the softmax outputs further")
            .help(
                "use a hidden activation such as relu here and keep softmax for the output layer; if the softmax computes attention weights, apply them to the values with `Multiply` or `Dot` (or use `Attention`/`MultiHeadAttention`)",
            )
            .layer(layer.name()),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{codes_with, functional, INPUT};

    fn fires(path: &str, text: &str) -> bool {
        codes_with(path, text, &["ACT202"], 5).contains(&"ACT202")
    }

    #[test]
    fn hidden_softmax_is_flagged_and_output_softmax_is_not() {
        let hidden = "
layers:
  - {type: Dense, units: 16, activation: softmax}
  - {type: Dense, units: 3, activation: softmax}
loss: categorical_crossentropy
";
        assert!(fires("m.yaml", hidden));
        let output = "
layers:
  - {type: Dense, units: 16, activation: relu}
  - {type: Dense, units: 3, activation: softmax}
loss: categorical_crossentropy
";
        assert!(!fires("m.yaml", output));
    }

    #[test]
    fn softmax_layer_before_a_weight_layer_is_flagged() {
        let yaml = "
layers:
  - {type: Dense, units: 16}
  - {type: Softmax}
  - {type: Dropout, rate: 0.1}
  - {type: Dense, units: 1}
loss: mse
";
        assert!(fires("m.yaml", yaml));
    }

    #[test]
    fn attention_weights_are_not_flagged() {
        let yaml = "
layers:
  - {type: LSTM, units: 8, return_sequences: true}
  - {type: Dense, units: 1}
  - {type: Flatten}
  - {type: Activation, activation: softmax}
  - {type: RepeatVector, n: 8}
  - {type: Permute, dims: [2, 1]}
  - {type: Multiply}
  - {type: GlobalAveragePooling1D}
  - {type: Dense, units: 1, activation: sigmoid}
loss: binary_crossentropy
";
        assert!(!fires("m.yaml", yaml));
    }

    #[test]
    fn a_nested_classifier_reused_as_features_is_flagged() {
        let yaml = "
layers:
  - type: Sequential
    layers:
      - {type: Dense, units: 8, activation: relu}
      - {type: Dense, units: 10, activation: softmax}
  - {type: Dense, units: 3, activation: softmax}
loss: categorical_crossentropy
";
        assert!(fires("m.yaml", yaml));
    }

    #[test]
    fn graph_edges_decide_not_list_order() {
        // The softmax feeds a Concatenate and then a Dense: hidden. The
        // layers are listed out of order; the edges decide.
        let json = functional(
            &[
                ("InputLayer", "x", INPUT, &[]),
                ("Concatenate", "cat", r#""axis": -1"#, &["probs", "feat"]),
                (
                    "Dense",
                    "feat",
                    r#""units": 4, "activation": "relu""#,
                    &["x"],
                ),
                (
                    "Dense",
                    "probs",
                    r#""units": 4, "activation": "softmax""#,
                    &["x"],
                ),
                (
                    "Dense",
                    "out",
                    r#""units": 1, "activation": "linear""#,
                    &["cat"],
                ),
            ],
            "mse",
        );
        assert!(fires("m.json", &json));
        // Two softmax classifiers averaged into the output: an ensemble.
        let json = functional(
            &[
                ("InputLayer", "x", INPUT, &[]),
                (
                    "Dense",
                    "a",
                    r#""units": 4, "activation": "softmax""#,
                    &["x"],
                ),
                (
                    "Dense",
                    "b",
                    r#""units": 4, "activation": "softmax""#,
                    &["x"],
                ),
                ("Average", "out", "", &["a", "b"]),
            ],
            "categorical_crossentropy",
        );
        assert!(!fires("m.json", &json));
        // Mixture-of-experts gating: the softmax weighs values in a Dot.
        let json = functional(
            &[
                ("InputLayer", "x", INPUT, &[]),
                (
                    "Dense",
                    "gate",
                    r#""units": 8, "activation": "softmax""#,
                    &["x"],
                ),
                (
                    "Dense",
                    "expert",
                    r#""units": 8, "activation": "relu""#,
                    &["x"],
                ),
                ("Dot", "mix", r#""axes": 1"#, &["gate", "expert"]),
                (
                    "Dense",
                    "out",
                    r#""units": 1, "activation": "linear""#,
                    &["mix"],
                ),
            ],
            "mse",
        );
        assert!(!fires("m.json", &json));
    }
}
