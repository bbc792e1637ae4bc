//! ACT117 `double-output-activation`: the output activation is applied twice.

use crate::diagnostic::Diagnostic;
use crate::ir::catalog::{self, ActFamily, ActivationInfo};
use crate::ir::{Head, LayerId, Model};
use crate::rules::{Context, Rule};

crate::declare_rule! {
    /// the output activation is applied twice.
    pub struct DoubleOutputActivation {
        code: "ACT117",
        name: "double-output-activation",
        category: Output,
        severity: Error,
    }
}

fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// What the output sees when `earlier` feeds `last` (a sigmoid or softmax)
/// instead of raw scores.
fn consequence(earlier: &ActivationInfo, last: ActFamily, units: Option<u64>) -> String {
    // The range the earlier activation outputs, as far as it is bounded.
    let (low, high) = match earlier.family {
        ActFamily::Sigmoid | ActFamily::Softmax => (Some(0.0_f64), Some(1.0_f64)),
        ActFamily::Tanh => (Some(-1.0), Some(1.0)),
        _ if earlier.non_negative => (Some(0.0), None),
        _ => (None, None),
    };
    match (last, low, high) {
        (ActFamily::Sigmoid, Some(lo), Some(hi)) => format!(
            "its inputs stay within [{lo}, {hi}], so it only outputs values between {:.2} and {:.2}",
            sigmoid(lo),
            sigmoid(hi)
        ),
        (ActFamily::Sigmoid, Some(_), None) => {
            "its inputs are never negative, so it never outputs less than 0.5".to_string()
        }
        (ActFamily::Softmax, Some(lo), Some(hi)) => {
            let w = hi - lo;
            match units.filter(|&n| n >= 2) {
                Some(n) => format!(
                    "its inputs stay within [{lo}, {hi}], so no class can get more than {:.0}% of the probability",
                    100.0 * w.exp() / (w.exp() + (n - 1) as f64)
                ),
                None => format!(
                    "its inputs stay within [{lo}, {hi}], so the probabilities stay close to uniform"
                ),
            }
        }
        (ActFamily::Softmax, Some(_), None) => {
            "every class with a negative score gets the same score 0, and no gradient".to_string()
        }
        _ => format!("it squashes {}'s outputs instead of raw scores", earlier.name),
    }
}

impl Rule for DoubleOutputActivation {
    fn check_head(&self, cx: &Context<'_>, head: &Head, out: &mut Vec<Diagnostic>) {
        let Some(last) = &head.activation else {
            return;
        };
        let Some(last_family) = last.activation.family().filter(|f| f.is_probability()) else {
            return;
        };
        // The activation just before the last one (earlier_activations is
        // outermost first); unknown and custom ones are not judged.
        let Some(first) = head.earlier_activations.first() else {
            return;
        };
        let Some(info) = first.activation.info else {
            return;
        };
        let model = cx.model;
        let name = &last.activation.name;
        let same = info.family == last_family;
        let message = if same {
            format!(
                "{name} is applied twice: by {} and again by {}",
                model.describe_layer(first.layer),
                model.describe_layer(last.layer)
            )
        } else {
            format!(
                "the {name} of {} is applied on top of the {} of {}: {}",
                model.describe_layer(last.layer),
                info.name,
                model.describe_layer(first.layer),
                consequence(info, last_family, head.units())
            )
        };
        let primary = if same {
            format!(
                "applies {name} again: {}",
                consequence(info, last_family, head.units())
            )
        } else {
            format!("{name} of {}'s outputs", info.name)
        };
        let mut d = META.diag(message).at(last.activation.span, primary).label(
            first.activation.span,
            format!("{} already applied here", info.name),
        );
        for more in &head.earlier_activations[1..] {
            d = d.label(
                more.activation.span,
                format!("{} applied here too", more.activation.name),
            );
        }
        let help = remove_first(model, first.layer, name);
        out.push(d.help(help).layer(model.layer(last.layer).name()));
    }
}

/// How to apply `name` once: remove the earlier activation `first` (an
/// activation layer), or make the layer that applies it linear.
fn remove_first(model: &Model, first: LayerId, name: &str) -> String {
    let first_layer = model.layer(first);
    let is_activation_layer = first_layer.class() == "Activation"
        || catalog::activation_layer(first_layer.class()).is_some();
    if is_activation_layer {
        format!(
            "remove {} so that {name} is applied once, to raw scores",
            model.describe_layer(first)
        )
    } else {
        format!(
            "make {} linear (remove its `activation`) so that {name} is applied once, to raw scores",
            model.describe_layer(first)
        )
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostic::Diagnostic;
    use crate::rules::testing;

    fn act117(layers: &str) -> Vec<Diagnostic> {
        let yaml = format!(
            "layers:\n  - {{type: Dense, units: 16, activation: relu, kernel_initializer: he_normal}}\n{layers}\nloss: categorical_crossentropy\n"
        );
        testing::reported("model.yaml", &yaml, "ACT117")
    }

    #[test]
    fn the_same_activation_twice_labels_both() {
        let found =
            act117("  - {type: Dense, units: 10, activation: softmax}\n  - {type: Softmax}");
        assert_eq!(found.len(), 1);
        let d = &found[0];
        assert_eq!(
            d.message,
            "softmax is applied twice: by layer 2 (`Dense`) and again by layer 3 (`Softmax`)"
        );
        let primary = d
            .primary
            .as_ref()
            .and_then(|l| l.message.clone())
            .unwrap_or_default();
        assert!(
            primary.contains("no class can get more than 23%"),
            "{primary}"
        );
        assert_eq!(d.secondary.len(), 1);
    }

    #[test]
    fn inside_wrappers_and_through_dropout() {
        let wrapped = "  - {type: TimeDistributed, layer: {type: Dense, units: 4, activation: tanh}}\n  - {type: Dropout, rate: 0.1}\n  - {type: Activation, activation: softmax}";
        let found = act117(wrapped);
        assert_eq!(found.len(), 1);
        assert!(
            found[0].message.contains("on top of the tanh of"),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn a_linear_layer_before_the_softmax_is_right() {
        assert!(act117("  - {type: Dense, units: 10}\n  - {type: Softmax}").is_empty());
        assert!(act117("  - {type: Dense, units: 10, activation: softmax}").is_empty());
        let relu_head = "  - {type: Dense, units: 10, activation: relu, kernel_initializer: he_normal}\n  - {type: ReLU}";
        assert!(act117(relu_head).is_empty());
    }
}
