//! ACT009 `incompatible-shapes`: shapes Keras refuses: merge inputs that do not combine, or an input of too low a rank.

use crate::diagnostic::Diagnostic;
use crate::ir::infer::{concatenate, merge_elementwise, Mismatch};
use crate::ir::shapes::{display, Shape};
use crate::ir::{catalog, Layer, Model};
use crate::rules::{Context, Rule};

crate::declare_rule! {
    /// shapes Keras refuses: merge inputs that do not combine, or an input of too low a rank.
    pub struct IncompatibleShapes {
        code: "ACT009",
        name: "incompatible-shapes",
        category: Correctness,
        severity: Error,
    }
}

impl Rule for IncompatibleShapes {
    fn check_layer(&self, cx: &Context<'_>, layer: &Layer, out: &mut Vec<Diagnostic>) {
        let model = cx.model;
        let class = layer.class();
        let concat = class == "Concatenate";
        if layer.custom || layer.wrapper.is_some() {
            return;
        }
        if !(concat || catalog::is_elementwise_merge(class)) {
            check_rank(model, layer, out);
            return;
        }
        if layer.args.len() < 2 {
            return;
        }
        let ins: Vec<Option<Shape>> = model
            .input_shapes(layer.id)
            .into_iter()
            .map(|s| s.cloned())
            .collect();
        let result = if concat {
            concatenate(&ins, layer.axis())
        } else {
            merge_elementwise(&ins)
        };
        let Err(Mismatch {
            first,
            second,
            axis,
        }) = result
        else {
            return;
        };
        let (Some(sa), Some(sb)) = (&ins[first], &ins[second]) else {
            return;
        };
        let inputs = [(layer.args[first].0, sa), (layer.args[second].0, sb)];
        out.push(mismatch(model, layer, inputs, axis));
    }
}

/// The finding on a merge `layer` whose two `inputs` (the layers they come
/// from, and their shapes) differ on `axis` (batch axis not counted).
fn mismatch(model: &Model, layer: &Layer, inputs: [(usize, &Shape); 2], axis: usize) -> Diagnostic {
    let class = layer.class();
    let [(a, sa), (b, sb)] = inputs;
    let rule = if class == "Concatenate" {
        "`Concatenate` needs every axis but the joined one to match"
    } else {
        "element-wise merges need equal sizes (or 1) on every axis"
    };
    let at = |id| {
        let l = model.layer(id);
        l.name.as_ref().map_or(l.class.span, |n| n.span)
    };
    META.diag(format!(
        "{} cannot combine {} from {} with {} from {}: the sizes differ on axis {} \
         (counting the batch axis as 0), and {rule}; Keras refuses to build the model",
        model.describe_layer(layer.id),
        display(sa),
        model.describe_layer(a),
        display(sb),
        model.describe_layer(b),
        axis + 1,
    ))
    .at(
        layer.class.span,
        format!("`{class}` of incompatible shapes"),
    )
    .label(at(a), format!("outputs {}", display(sa)))
    .label(at(b), format!("outputs {}", display(sb)))
    .help(
        "make the branches agree: match their units or filters, their strides and \
         padding, or project one branch (a 1x1 convolution or a Dense) to the other's size",
    )
    .layer(layer.name())
}

/// The recurrent layer a layer's input comes from through shape-keeping
/// layers, when it returns only its last output (ACT304 reports that one).
fn from_rnn_summary(model: &Model, layer: &Layer) -> bool {
    let mut cur = layer;
    for _ in 0..16 {
        let Some(&(prev, 0)) = cur.args.first() else {
            return false;
        };
        let p = model.layer(prev);
        let rnn = match p.class() {
            "Bidirectional" => p.wrapped.map(|w| model.layer(w)),
            _ => Some(p),
        };
        if let Some(r) = rnn.filter(|r| r.is_recurrent()) {
            return r.param("return_sequences").and_then(|n| n.as_bool()) != Some(true);
        }
        if !catalog::keeps_shape(p.class()) {
            return false;
        }
        cur = p;
    }
    false
}

/// A convolution, pooling or recurrent layer given an input of fewer axes
/// than it needs (a Conv2D after a Dense, an LSTM after a Flatten).
fn check_rank(model: &Model, layer: &Layer, out: &mut Vec<Diagnostic>) {
    let inner = match layer.class() {
        "Bidirectional" => match layer.wrapped {
            Some(w) => model.layer(w),
            None => return,
        },
        _ => layer,
    };
    let Some(need) = catalog::min_input_rank(inner.class()) else {
        return;
    };
    let Some(&(prev, t)) = layer.args.first() else {
        return;
    };
    let Some(shape) = model.tensor_shape(prev, t) else {
        return;
    };
    if shape.len() >= need || (inner.is_recurrent() && from_rnn_summary(model, layer)) {
        return;
    }
    let p = model.layer(prev);
    let at = p.name.as_ref().map_or(p.class.span, |n| n.span);
    let axes = match need {
        2 => "(steps, channels)",
        3 => "(height, width, channels)",
        _ => "(depth, height, width, channels)",
    };
    let axes = if inner.is_recurrent() {
        "(steps, features)"
    } else {
        axes
    };
    out.push(
        META.diag(format!(
            "{} needs an input of {need} axes per sample {axes}, but {} outputs {}: Keras \
             refuses to build the model (`expected ndim={}, found ndim={}`)",
            model.describe_layer(layer.id),
            model.describe_layer(prev),
            display(shape),
            need + 1,
            shape.len() + 1,
        ))
        .at(layer.class.span, format!("needs {need} axes per sample"))
        .label(at, format!("outputs {}", display(shape)))
        .help(if inner.is_recurrent() {
            "feed it a sequence: remove the Flatten/Dense before it, or add a `Reshape` or \
             `RepeatVector` that makes one"
        } else {
            "feed it a feature map: remove the Flatten/Dense before it, or add a `Reshape` to \
             the axes it needs"
        })
        .layer(layer.name()),
    );
}

#[cfg(test)]
mod tests {
    use crate::rules::testing;

    const MODEL: &str = r#"{"module": "keras.src.models.functional", "class_name": "Functional", "config": {"name": "m", "layers": [
      {"module": "keras.layers", "class_name": "InputLayer", "config": {"batch_shape": [null, 8], "name": "x"}, "name": "x", "inbound_nodes": []},
      {"module": "keras.layers", "class_name": "Dense", "config": {"name": "a", "units": 16}, "name": "a", "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config": {"keras_history": ["x", 0, 0]}}], "kwargs": {}}]},
      {"module": "keras.layers", "class_name": "Dense", "config": {"name": "b", "units": UNITS}, "name": "b", "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config": {"keras_history": ["x", 0, 0]}}], "kwargs": {}}]},
      {"module": "keras.layers", "class_name": "CLASS", "config": {"name": "m"}, "name": "m", "inbound_nodes": [{"args": [[{"class_name": "__keras_tensor__", "config": {"keras_history": ["a", 0, 0]}}, {"class_name": "__keras_tensor__", "config": {"keras_history": ["b", 0, 0]}}]], "kwargs": {}}]}
    ], "input_layers": [["x", 0, 0]], "output_layers": [["m", 0, 0]]}}"#;

    fn lint(class: &str, units: &str) -> Vec<crate::diagnostic::Diagnostic> {
        let text = MODEL.replace("CLASS", class).replace("UNITS", units);
        testing::lint("model.json", &text, &["ACT009"])
    }

    #[test]
    fn add_of_different_widths_labels_both_inputs() {
        let d = lint("Add", "32");
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(
            d[0].message.contains("(16) from `a` with (32) from `b`"),
            "{}",
            d[0].message
        );
        assert_eq!(d[0].secondary.len(), 2);
    }

    #[test]
    fn matching_broadcastable_and_concatenated_inputs_pass() {
        assert!(lint("Add", "16").is_empty());
        assert!(lint("Multiply", "1").is_empty());
        assert!(lint("Concatenate", "32").is_empty());
    }

    #[test]
    fn a_convolution_after_a_dense_is_refused() {
        let yaml = "input: {shape: [64]}\nlayers:\n  - {type: Dense, units: 32}\n  - {type: Conv1D, filters: 8, kernel_size: 3}\n";
        let d = testing::lint("model.yaml", yaml, &["ACT009"]);
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].message.contains("needs an input of 2 axes per sample (steps, channels), but layer 1 (`Dense`) outputs (32)"), "{}", d[0].message);
        // ACT304 reports an LSTM after an LSTM without sequences.
        let yaml = "input: {shape: [10, 4]}\nlayers:\n  - {type: LSTM, units: 8}\n  - {type: LSTM, units: 4}\n";
        assert!(testing::lint("model.yaml", yaml, &["ACT009"]).is_empty());
    }
}
