//! ACT206 `redundant-activation`: an activation applied twice in a row.

use crate::diagnostic::Diagnostic;
use crate::diagnostic::{Change, FixPlan};
use crate::ir::catalog::ActFamily;
use crate::ir::{GraphKind, Layer, LayerId, Model};
use crate::rules::edits;
use crate::rules::walk::{self, Step};
use crate::rules::{Context, Rule};

crate::declare_rule! {
    /// a layer with an activation followed by an activation layer of the same kind.
    pub struct RedundantActivation {
        code: "ACT206",
        name: "redundant-activation",
        category: Hidden,
        severity: Info,
        fix: Safe,
    }
}

/// The activation function a layer applies, normalized so that the same
/// function compares equal whichever way it is written; `None` when it is
/// not a fixed function (`PReLU` learns its slope, a `ReLU` with a
/// threshold) or not known.
fn function(layer: &Layer) -> Option<&'static str> {
    let act = layer.activation.as_ref()?;
    let info = act.info?;
    let num = |key: &str| layer.param(key).and_then(|n| n.as_f64());
    let name = match layer.class() {
        "PReLU" | "ThresholdedReLU" => return None,
        "ReLU" => {
            if num("negative_slope").unwrap_or(0.0) != 0.0 || num("threshold").unwrap_or(0.0) != 0.0
            {
                return None;
            }
            match num("max_value") {
                None => "relu",
                Some(6.0) => "relu6",
                Some(_) => return None,
            }
        }
        "Softmax" => {
            if layer.axis() != Some(-1) {
                return None;
            }
            "softmax"
        }
        _ => info.name,
    };
    // Keras 3 writes swish as silu.
    Some(match name {
        "swish" => "silu",
        "hard_swish" => "hard_silu",
        other => other,
    })
}

/// Functions with f(f(x)) = f(x): the second application changes nothing.
fn is_idempotent(name: &str) -> bool {
    matches!(name, "relu" | "relu6" | "hard_tanh")
}

/// Layers between the two that keep every value's sign and leave it at
/// most rescaled by a positive factor, so the second activation still
/// sees the first one's output: reshapes and plain dropout.
fn keeps_values(layer: &Layer) -> bool {
    let class = layer.class();
    (crate::ir::catalog::is_shape_layer(class) && class != "InputLayer")
        || crate::ir::catalog::dropout(class).is_some_and(|d| d.keeps_sign)
        || class == "ActivityRegularization"
        || (class == "Activation" && layer.activation_family() == Some(ActFamily::Linear))
}

/// ACT117 reports an output activation applied twice when the head ends in
/// sigmoid or softmax; such pairs are left to it.
fn reported_by_double_output_activation(model: &Model, first: LayerId, second: LayerId) -> bool {
    model.heads.iter().any(|h| {
        let Some(last) = &h.activation else {
            return false;
        };
        if !last.activation.family().is_some_and(|f| f.is_probability()) {
            return false;
        }
        let on_path =
            |id: LayerId| last.layer == id || h.earlier_activations.iter().any(|e| e.layer == id);
        on_path(first) || on_path(second)
    })
}

impl Rule for RedundantActivation {
    fn check_layer(&self, cx: &Context<'_>, layer: &Layer, out: &mut Vec<Diagnostic>) {
        if layer.custom || layer.wrapped.is_some() {
            return;
        }
        if !(layer.is_weight_layer() || walk::is_activation_layer(layer)) {
            return;
        }
        let Some(name) = function(layer) else {
            return;
        };
        if layer.activation_family() == Some(ActFamily::Linear) {
            return;
        }
        let model = cx.model;
        let reach = walk::follow(model, layer.id, keeps_values);
        let Step::Layer(next) = reach.step else {
            return;
        };
        let second = walk::content(model, next);
        if second.custom || !walk::is_activation_layer(second) || function(second) != Some(name) {
            return;
        }
        if reported_by_double_output_activation(model, layer.id, second.id) {
            return;
        }
        out.extend(applied_twice(model, layer, second, next, name));
    }
}

/// The finding on `name` applied by `layer` and again by `second` (the
/// layer `next` leads to); `None` when either activation is not written.
fn applied_twice(
    model: &Model,
    layer: &Layer,
    second: &Layer,
    next: LayerId,
    name: &str,
) -> Option<Diagnostic> {
    let (Some(first_act), Some(second_act)) = (&layer.activation, &second.activation) else {
        return None;
    };
    let idempotent = is_idempotent(name);
    let squashes = layer
        .activation_family()
        .is_some_and(|f| f.is_saturating() || f.is_probability());
    let consequence = if idempotent {
        "the second does nothing"
    } else if squashes {
        "the second squashes the first one's outputs again"
    } else {
        "the second is applied on top of the first"
    };
    let message = format!(
        "{name} is applied twice in a row, by {} and by {}: {consequence}",
        model.describe_layer(layer.id),
        model.describe_layer(second.id),
    );
    let help = if walk::is_activation_layer(layer) {
        format!("remove one of the two {name} layers")
    } else {
        format!(
            "remove {} (or make {} linear and keep the separate layer, e.g. to put BatchNormalization before it)",
            model.describe_layer(second.id),
            model.describe_layer(layer.id),
        )
    };
    Some(
        META.diag(message)
            .at(
                second_act.span,
                if idempotent {
                    format!("applies {name} to values that are already {name} outputs")
                } else {
                    format!("applies {name} again")
                },
            )
            .label(first_act.span, format!("{name} already applied here"))
            .help(help)
            .layer(second.name())
            .fix_plan(
                idempotent
                    .then(|| removal(model, layer, next, name))
                    .flatten(),
            ),
    )
}

/// The fix for an idempotent function applied twice (so that applying it
/// once computes the same): remove the second, separate activation layer
/// where the model is a plain list of layers (Sequential, the simple
/// format), else make the first layer linear.
fn removal(model: &Model, first: &Layer, second: LayerId, name: &str) -> Option<FixPlan> {
    let item = &model.layers[second];
    let graph = &model.graphs[item.graph];
    let is_output = graph.outputs.iter().any(|o| o.layer == second);
    if graph.kind == GraphKind::Sequential && !is_output && item.wrapper.is_none() {
        let pos = graph.layers.iter().position(|&l| l == second)?;
        let span = |i: usize| graph.layers.get(i).map(|&l| model.layers[l].span);
        return Some(FixPlan::safe(
            format!(
                "remove {}, which applies {name} again",
                model.describe_layer(second)
            ),
            vec![Change::RemoveItem {
                item: item.span,
                prev: pos.checked_sub(1).and_then(span),
                next: span(pos + 1),
            }],
        ));
    }
    if !first.is_weight_layer() {
        return None;
    }
    let change = edits::replace_param(first, "activation", "linear")?;
    Some(FixPlan::safe(
        format!("make {} linear", model.describe_layer(first.id)),
        vec![change],
    ))
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::codes_with;

    fn codes(yaml: &str) -> Vec<&'static str> {
        codes_with("m.yaml", yaml, &["ACT206", "ACT117"], 5)
    }

    fn hidden_pair(first: &str, second: &str) -> Vec<&'static str> {
        codes(&format!(
            "layers:\n  - {{type: Dense, units: 8, activation: {first}}}\n  - {second}\n  - {{type: Dense, units: 1}}\nloss: mse\n"
        ))
    }

    #[test]
    fn the_same_function_twice_is_flagged() {
        assert_eq!(hidden_pair("relu", "{type: ReLU}"), ["ACT206"]);
        assert_eq!(
            hidden_pair("relu", "{type: Activation, activation: relu}"),
            ["ACT206"]
        );
        assert_eq!(
            hidden_pair("tanh", "{type: Activation, activation: tanh}"),
            ["ACT206"]
        );
        assert_eq!(
            hidden_pair("swish", "{type: Activation, activation: silu}"),
            ["ACT206"]
        );
        assert_eq!(
            hidden_pair("relu6", "{type: ReLU, max_value: 6.0}"),
            ["ACT206"]
        );
    }

    #[test]
    fn different_functions_are_not_flagged() {
        assert_eq!(
            hidden_pair("relu", "{type: ReLU, max_value: 6.0}"),
            Vec::<&str>::new()
        );
        assert_eq!(hidden_pair("relu", "{type: PReLU}"), Vec::<&str>::new());
        assert_eq!(
            hidden_pair("relu", "{type: Activation, activation: gelu}"),
            Vec::<&str>::new()
        );
        assert_eq!(hidden_pair("linear", "{type: ReLU}"), Vec::<&str>::new());
    }

    #[test]
    fn reshapes_and_dropout_do_not_hide_the_pair() {
        let yaml = "
layers:
  - {type: TimeDistributed, layer: {type: Dense, units: 8, activation: relu}}
  - {type: Dropout, rate: 0.1}
  - {type: Flatten}
  - {type: ReLU}
  - {type: Dense, units: 1}
loss: mse
";
        assert_eq!(codes(yaml), ["ACT206"]);
    }

    #[test]
    fn a_probability_head_is_left_to_double_output_activation() {
        let yaml = "
layers:
  - {type: Dense, units: 3, activation: softmax}
  - {type: Softmax}
loss: categorical_crossentropy
";
        assert_eq!(codes(yaml), ["ACT117"]);
        let regression = "
layers:
  - {type: Dense, units: 1, activation: relu}
  - {type: ReLU}
loss: mse
";
        assert_eq!(codes(regression), ["ACT206"]);
    }
}
