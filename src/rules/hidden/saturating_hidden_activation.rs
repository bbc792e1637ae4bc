//! ACT204 `saturating-hidden-activation`: sigmoid/tanh hidden layers in an MLP/CNN (the modern default is ReLU).

use std::collections::HashSet;

use crate::diagnostic::Diagnostic;
use crate::ir::LayerId;
use crate::rules::hidden::vanishing_gradient_risk::{self, saturating_hidden, saturating_stacks};
use crate::rules::walk;
use crate::rules::{Context, Rule};

crate::declare_rule! {
    /// sigmoid/tanh hidden layers in an MLP/CNN (the modern default is ReLU).
    pub struct SaturatingHiddenActivation {
        code: "ACT204",
        name: "saturating-hidden-activation",
        category: Hidden,
        severity: Info,
        concerns: [Activation(Sigmoid), Activation(Tanh)],
    }
}

impl Rule for SaturatingHiddenActivation {
    fn check_model(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let model = cx.model;
        // Layers in a deep stack get one ACT203 warning instead.
        let stacked: HashSet<LayerId> =
            saturating_stacks(model, vanishing_gradient_risk::depth(cx))
                .into_iter()
                .flatten()
                .collect();
        let mut sequence_graph = std::collections::HashMap::new();
        for layer in &model.layers {
            if stacked.contains(&layer.id) {
                continue;
            }
            let Some(eff) = saturating_hidden(model, layer.id) else {
                continue;
            };
            // Sequence models use tanh deliberately (attention scores, state
            // projections); this guidance is about MLPs and CNNs.
            // (Once per graph: the check walks every layer.)
            let graph = walk::graph_of(model, layer.id);
            if *sequence_graph
                .entry(graph)
                .or_insert_with(|| walk::is_sequence_graph(model, graph))
            {
                continue;
            }
            let act = eff.activation;
            out.push(
                META.diag(format!(
                    "{} is a hidden layer with the saturating activation `{}`",
                    model.describe_layer(layer.id),
                    act.name
                ))
                .at(act.span, format!("`{}` saturates: its gradient vanishes for large inputs", act.name))
                .help("hidden layers train faster with `activation: relu` and `kernel_initializer: he_normal` (or a smooth activation such as `gelu` or `swish`); keep sigmoid/tanh where a bounded value is the point, as in gates and outputs")
                .layer(layer.name()),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{codes, functional, INPUT};

    #[test]
    fn activation_layer_after_the_weight_layer_counts() {
        let yaml = "
layers:
  - {type: Dense, units: 16, kernel_initializer: glorot_uniform}
  - {type: Activation, activation: sigmoid}
  - {type: Dense, units: 1}
loss: mse
";
        assert_eq!(codes("m.yaml", yaml), ["ACT204"]);
    }

    #[test]
    fn silent_for_outputs_gates_and_sequence_models() {
        // A tanh output, including the last layer of a nested generator.
        let yaml = "
layers:
  - type: Sequential
    name: generator
    layers:
      - {type: Dense, units: 64, activation: relu, kernel_initializer: he_normal}
      - {type: Dense, units: 784, activation: tanh}
  - {type: Dense, units: 1, activation: tanh}
loss: mse
";
        assert_eq!(codes("m.yaml", yaml), Vec::<&str>::new());
        // A squeeze-and-excitation gate with He scaling, as EfficientNet writes it.
        let json = functional(
            &[
                ("InputLayer", "x", INPUT, &[]),
                ("GlobalAveragePooling1D", "squeeze", "", &["x"]),
                (
                    "Dense",
                    "reduce",
                    r#""units": 2, "activation": "relu", "kernel_initializer": "he_normal""#,
                    &["squeeze"],
                ),
                (
                    "Dense",
                    "expand",
                    r#""units": 8, "activation": "sigmoid", "kernel_initializer": {"class_name": "VarianceScaling", "config": {"scale": 2.0, "mode": "fan_out"}}"#,
                    &["reduce"],
                ),
                ("Multiply", "excite", "", &["x", "expand"]),
                ("Dense", "out", r#""units": 1"#, &["excite"]),
            ],
            "mse",
        );
        assert_eq!(codes("m.json", &json), Vec::<&str>::new());
        // tanh next to an LSTM is part of the sequence architecture.
        let yaml = "
layers:
  - {type: LSTM, units: 16}
  - {type: Dense, units: 8, activation: tanh}
  - {type: Dense, units: 1}
loss: mse
";
        assert_eq!(codes("m.yaml", yaml), Vec::<&str>::new());
    }
}
