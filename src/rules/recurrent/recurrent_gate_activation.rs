//! ACT302 `recurrent-gate-activation`: LSTM/GRU recurrent_activation is not sigmoid/hard_sigmoid.

use crate::diagnostic::Diagnostic;
use crate::diagnostic::{Change, FixPlan};
use crate::ir::catalog::{self, ActFamily};
use crate::ir::{ActivationRef, Layer};
use crate::rules::edits;
use crate::rules::walk;
use crate::rules::{Context, Rule};

crate::declare_rule! {
    /// LSTM/GRU recurrent_activation is not sigmoid/hard_sigmoid.
    pub struct RecurrentGateActivation {
        code: "ACT302",
        name: "recurrent-gate-activation",
        category: Recurrent,
        severity: Warning,
        fix: Unsafe,
        concerns: [Activation(Sigmoid)],
    }
}

/// What the gate values become, for the label.
fn gate_range(family: ActFamily) -> &'static str {
    match family {
        ActFamily::Tanh => "gate values in -1..1: a gate can negate what it should only scale",
        ActFamily::Softmax => "gates that compete across units instead of opening independently",
        ActFamily::Relu | ActFamily::Selu | ActFamily::Smooth | ActFamily::Exponential => {
            "unbounded gate values: the cell state can grow without limit"
        }
        ActFamily::Linear => "unbounded gate values: no gating at all",
        _ => "gate values outside 0..1",
    }
}

/// The gate activation of an LSTM/GRU this rule reports, if any (other
/// rules use it to avoid reporting the same value twice).
pub fn bad_gate_activation(layer: &Layer) -> Option<&ActivationRef> {
    if !catalog::has_gates(layer.class()) || layer.custom {
        return None;
    }
    let act = layer.recurrent_activation.as_ref()?;
    act.family().filter(|&f| f != ActFamily::Sigmoid)?;
    Some(act)
}

impl Rule for RecurrentGateActivation {
    fn check_layer(&self, cx: &Context<'_>, layer: &Layer, out: &mut Vec<Diagnostic>) {
        let Some(act) = bad_gate_activation(layer) else {
            return;
        };
        let Some(family) = act.family() else {
            return;
        };
        let model = cx.model;
        if walk::mirrors_forward(model, layer, |l| l.recurrent_activation.as_ref()) {
            return;
        }
        out.push(
            META.diag(format!(
                "{} uses `{}` as its gate activation: gates must lie in 0..1",
                walk::describe_with_class(model, layer.id),
                act.name
            ))
            .at(act.span, format!("`{}` gives {}", act.name, gate_range(family)))
            .help("use `recurrent_activation: sigmoid` (the Keras default; `hard_sigmoid` also works)")
            .layer(layer.name())
            .fix_plan(
                edits::replace_param(layer, "recurrent_activation", "sigmoid")
                    .filter(|c| matches!(c, Change::ReplaceString { span, .. } if *span == act.span))
                    .map(|c| FixPlan::unsafe_(format!("replace `{}` with `sigmoid`", act.name), vec![c])),
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::codes;

    #[test]
    fn sigmoid_family_gates_are_fine() {
        for (gate, expected) in [
            ("sigmoid", false),
            ("hard_sigmoid", false),
            ("tanh", true),
            ("relu", true),
            ("linear", true),
            ("softmax", true),
        ] {
            let yaml = format!(
                "layers:\n  - {{type: LSTM, units: 8, recurrent_activation: {gate}}}\n  - {{type: Dense, units: 1}}\nloss: mse\n"
            );
            let got = codes("m.yaml", &yaml);
            assert_eq!(got.contains(&"ACT302"), expected, "{gate}: {got:?}");
        }
    }

    #[test]
    fn simple_rnn_has_no_gates() {
        let yaml = "
layers:
  - {type: SimpleRNN, units: 8, recurrent_activation: relu}
  - {type: Dense, units: 1}
loss: mse
";
        assert_eq!(codes("m.yaml", yaml), Vec::<&str>::new());
    }
}
