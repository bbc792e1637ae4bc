//! ACT301 `non-saturating-recurrent-activation`: LSTM/GRU/SimpleRNN activation is relu/elu/selu/linear instead of tanh.

use crate::diagnostic::Diagnostic;
use crate::diagnostic::{Change, FixPlan};
use crate::ir::catalog::{ActFamily, InitFamily};
use crate::ir::{ActivationRef, Layer};
use crate::rules::edits;
use crate::rules::walk;
use crate::rules::{Context, Rule};

crate::declare_rule! {
    /// LSTM/GRU/SimpleRNN activation is relu/elu/selu/linear instead of tanh.
    pub struct NonSaturatingRecurrentActivation {
        code: "ACT301",
        name: "non-saturating-recurrent-activation",
        category: Recurrent,
        severity: Warning,
        fix: Unsafe,
        concerns: [Activation(Relu), Activation(Smooth)],
    }
}

/// Activations with no upper bound.
fn is_unbounded(family: ActFamily) -> bool {
    matches!(
        family,
        ActFamily::Relu
            | ActFamily::Selu
            | ActFamily::Linear
            | ActFamily::Smooth
            | ActFamily::Exponential
    )
}

/// The unbounded activation of a recurrent layer this rule reports, if any
/// (other rules use it to avoid reporting the same value twice).
pub fn unbounded_activation(layer: &Layer) -> Option<&ActivationRef> {
    if !layer.is_recurrent() || layer.custom {
        return None;
    }
    let act = layer.activation.as_ref()?;
    let family = act.family().filter(|&f| is_unbounded(f))?;
    // The IRNN recipe (Le et al. 2015): ReLU with an identity recurrent
    // matrix is a deliberate, studied choice.
    let identity_recurrence = layer
        .recurrent_initializer
        .as_ref()
        .and_then(|i| i.effective_family())
        == Some(InitFamily::Identity);
    if family == ActFamily::Relu && identity_recurrence {
        return None;
    }
    Some(act)
}

impl Rule for NonSaturatingRecurrentActivation {
    fn check_layer(&self, cx: &Context<'_>, layer: &Layer, out: &mut Vec<Diagnostic>) {
        let model = cx.model;
        let Some(act) = unbounded_activation(layer) else {
            return;
        };
        // The backward copy inside a Bidirectional: report the forward layer once.
        if walk::mirrors_forward(model, layer, |l| l.activation.as_ref()) {
            return;
        }
        let class = layer.class();
        out.push(
            META.diag(format!(
                "{} uses `{}`, which does not saturate: its state is fed back at every time step and can grow without bound",
                walk::describe_with_class(model, layer.id),
                act.name
            ))
            .at(act.span, format!("`{}` is unbounded inside the recurrence", act.name))
            .help(format!(
                "keep the default `activation: tanh` for the {class} and clip gradients (`clipnorm=1.0` on the optimizer); if the task does not need recurrence, a non-recurrent architecture (Conv1D, Dense) can use `{}` safely",
                act.name
            ))
            .layer(layer.name())
            .fix_plan(
                edits::replace_param(layer, "activation", "tanh")
                    .filter(|c| matches!(c, Change::ReplaceString { span, .. } if *span == act.span))
                    .map(|c| FixPlan::unsafe_(format!("replace `{}` with `tanh`", act.name), vec![c])),
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::codes;

    #[test]
    fn bidirectional_is_reported_once() {
        let yaml = "
layers:
  - type: Bidirectional
    layer: {type: GRU, units: 8, activation: relu}
    backward_layer: {type: GRU, units: 8, activation: relu, go_backwards: true}
  - {type: Dense, units: 1}
loss: mse
";
        assert_eq!(codes("m.yaml", yaml), ["ACT301"]);
    }

    #[test]
    fn unbounded_families_fire_and_bounded_ones_do_not() {
        for (act, expected) in [
            ("relu", true),
            ("elu", true),
            ("selu", true),
            ("linear", true),
            ("swish", true),
            ("tanh", false),
            ("softsign", false),
            ("sigmoid", false),
        ] {
            let yaml = format!(
                "layers:\n  - {{type: SimpleRNN, units: 8, activation: {act}}}\n  - {{type: Dense, units: 1}}\nloss: mse\n"
            );
            let got = codes("m.yaml", &yaml);
            assert_eq!(got.contains(&"ACT301"), expected, "{act}: {got:?}");
        }
    }

    #[test]
    fn the_irnn_recipe_is_deliberate() {
        let yaml = "
layers:
  - {type: SimpleRNN, units: 8, activation: relu, recurrent_initializer: identity}
  - {type: Dense, units: 1}
loss: mse
";
        assert_eq!(codes("m.yaml", yaml), Vec::<&str>::new());
    }
}
