//! ACT118 `classification-head-not-flattened`: a classification head outputs one prediction per step or position instead of one per sample.

use crate::diagnostic::Diagnostic;
use crate::ir::catalog::{self, ActFamily, LossFamily};
use crate::ir::shapes::display;
use crate::ir::{Head, Layer, LayerId, Model};
use crate::rules::{Context, Rule};

crate::declare_rule! {
    /// a classification head outputs one prediction per step or position instead of one per sample.
    pub struct ClassificationHeadNotFlattened {
        code: "ACT118",
        name: "classification-head-not-flattened",
        category: Output,
        severity: Error,
    }
}

/// How far back the walk looks for the layer that made the extra axes.
const MAX_HOPS: usize = 32;

/// The layer whose output first has the extra axes the head keeps: walking
/// back from the head's Dense through layers that keep the shape or only
/// change the last axis (Dense, activations, dropout, normalization).
fn source(model: &Model, dense: LayerId) -> Option<LayerId> {
    let mut cur = dense;
    for _ in 0..MAX_HOPS {
        let &(prev, _) = model.layer(cur).args.first()?;
        let p = model.layer(prev);
        let passes = p.class() == "Dense" || catalog::keeps_shape(p.class());
        if !passes || p.custom {
            return Some(prev);
        }
        cur = prev;
    }
    None
}

/// What to add or change, said about the layer that made the axes.
fn advice(model: &Model, src: &Layer) -> String {
    let name = model.describe_layer(src.id);
    let inner = match src.class() {
        "Bidirectional" => src.wrapped.map(|w| model.layer(w)).unwrap_or(src),
        _ => src,
    };
    if inner.is_recurrent() {
        return format!(
            "set `return_sequences=False` on {name} so that it returns one vector per sample"
        );
    }
    let rank = model.shapes[src.id].as_ref().map_or(0, Vec::len);
    match rank {
        2 => format!(
            "add `GlobalMaxPooling1D()` (or `GlobalAveragePooling1D()`, or `Flatten()`) after {name}"
        ),
        3 => format!("add `GlobalAveragePooling2D()` (or `Flatten()`) after {name}"),
        _ => format!("add a global pooling layer (or `Flatten()`) after {name}"),
    }
}

/// The head's Dense, its output shape and the loss, when the head keeps
/// axes a per-sample classifier must not have.
fn applies<'m>(model: &'m Model, head: &'m Head) -> Option<(&'m Layer, usize)> {
    let loss = head.loss.as_ref()?;
    let family = loss.family()?;
    if !family.is_crossentropy() {
        return None;
    }
    if !matches!(head.family()?, ActFamily::Softmax | ActFamily::Sigmoid) {
        return None;
    }
    // A Dense applied per step or per pixel: a TimeDistributed head, or a
    // convolution (segmentation-style) head, is per position on purpose.
    let dense = model.layer(head.producer?);
    if dense.class() != "Dense" || dense.wrapper.is_some() {
        return None;
    }
    let out = model.layer(head.output_layer);
    let graph = &model.graphs[out.graph];
    let tensor = graph
        .outputs
        .iter()
        .find(|o| o.layer == head.output_layer)
        .map_or(0, |o| o.tensor);
    let rank = model.tensor_shape(head.output_layer, tensor)?.len();
    if rank < 2 {
        return None;
    }
    // Integer labels per step (sequence tagging with a sparse loss) and the
    // outputs of encoder-decoder models (several inputs) are per step on
    // purpose; a feature map (two or more spatial axes) never is for a
    // Dense classifier.
    if rank == 2
        && (family == LossFamily::SparseCategoricalCrossentropy || model.root().inputs.len() > 1)
    {
        return None;
    }
    Some((dense, rank))
}

impl Rule for ClassificationHeadNotFlattened {
    fn check_head(&self, cx: &Context<'_>, head: &Head, out: &mut Vec<Diagnostic>) {
        let model = cx.model;
        let Some((dense, _)) = applies(model, head) else {
            return;
        };
        let Some(loss) = head.loss.as_ref() else {
            return;
        };
        let Some(shape) = model.shapes[dense.id].as_ref() else {
            return;
        };
        let per = if shape.len() == 2 {
            "per time step"
        } else {
            "per position of the feature map"
        };
        let mut d = META
            .diag(format!(
                "{} outputs {} per sample, one prediction {per}, but `{}` expects one \
                 prediction per sample: the labels do not match the output, and a broadcast \
                 loss trains the wrong thing",
                model.describe_output_layer(dense.id),
                display(shape),
                loss.name,
            ))
            .at(
                dense.class.span,
                format!("outputs {} per sample", display(shape)),
            )
            .label(loss.span, "a per-sample classification loss");
        match source(model, dense.id) {
            Some(src) => {
                let s = model.layer(src);
                let what = model.shapes[src].as_ref().map_or_else(
                    || "keeps these axes".to_string(),
                    |sh| format!("outputs {}", display(sh)),
                );
                let at = s.name.as_ref().map_or(s.class.span, |n| n.span);
                d = d.label(at, what).help(format!(
                    "{}; if one prediction per step is intended, wrap the Dense in \
                     `TimeDistributed`",
                    advice(model, s)
                ));
            }
            None => {
                d = d.help("add `Flatten()` or a global pooling layer before the output layer");
            }
        }
        out.push(d.layer(dense.name()));
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing;

    fn lint(yaml: &str) -> Vec<crate::diagnostic::Diagnostic> {
        testing::lint("model.yaml", yaml, &["ACT118"])
    }

    #[test]
    fn a_dense_on_a_sequence_says_which_flag_to_set() {
        let d = lint(
            "input: {shape: [100]}\nlayers:\n  - {type: Embedding, input_dim: 1000, output_dim: 16}\n  - {type: LSTM, units: 8, return_sequences: true}\n  - {type: Dense, units: 1, activation: sigmoid}\nloss: binary_crossentropy\n",
        );
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(
            d[0].message.contains("outputs (100, 1) per sample"),
            "{}",
            d[0].message
        );
        assert!(d[0]
            .help
            .as_deref()
            .unwrap()
            .starts_with("set `return_sequences=False` on layer 2 (`LSTM`)"));
    }

    #[test]
    fn a_dense_on_a_feature_map_says_which_layer_to_add() {
        let d = lint(
            "input: {shape: [28, 28, 1]}\nlayers:\n  - {type: Conv2D, filters: 8, kernel_size: 3}\n  - {type: Dense, units: 10, activation: softmax}\nloss: categorical_crossentropy\n",
        );
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0]
            .help
            .as_deref()
            .unwrap()
            .starts_with("add `GlobalAveragePooling2D()`"));
    }

    #[test]
    fn per_step_heads_and_unknown_shapes_pass() {
        // Sparse labels per step: a tagger.
        assert!(lint("input: {shape: [100]}\nlayers:\n  - {type: Embedding, input_dim: 1000, output_dim: 16}\n  - {type: LSTM, units: 8, return_sequences: true}\n  - {type: Dense, units: 5, activation: softmax}\nloss: sparse_categorical_crossentropy\n").is_empty());
        // TimeDistributed head.
        assert!(lint("input: {shape: [100, 4]}\nlayers:\n  - {type: LSTM, units: 8, return_sequences: true}\n  - type: TimeDistributed\n    layer: {type: Dense, units: 1, activation: sigmoid}\nloss: binary_crossentropy\n").is_empty());
        // No declared input: nothing is known.
        assert!(lint("layers:\n  - {type: LSTM, units: 8, return_sequences: true}\n  - {type: Dense, units: 1, activation: sigmoid}\nloss: binary_crossentropy\n").is_empty());
    }
}
