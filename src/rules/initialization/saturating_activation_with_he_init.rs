//! ACT402 `saturating-activation-with-he-init`: sigmoid/tanh layer with He initialization (Glorot expected).

use crate::diagnostic::Diagnostic;
use crate::diagnostic::FixPlan;
use crate::ir::catalog::InitFamily;
use crate::ir::{keras1, InitializerRef, Layer};
use crate::rules::edits;
use crate::rules::walk;
use crate::rules::{Context, Rule};

crate::declare_rule! {
    /// sigmoid/tanh layer with He initialization (Glorot expected).
    pub struct SaturatingActivationWithHeInit {
        code: "ACT402",
        name: "saturating-activation-with-he-init",
        category: Initialization,
        severity: Warning,
        fix: Unsafe,
        concerns: [Activation(Sigmoid), Activation(Tanh), Initializer(He), Initializer(Glorot)],
    }
}

/// `he_normal`, or `VarianceScaling` with its scale.
fn describe_init(init: &InitializerRef) -> String {
    match init.info.map(|i| i.family) {
        Some(InitFamily::VarianceScaling) => format!("`{}` with scale 2", init.name),
        _ => format!("`{}`", init.name),
    }
}

impl Rule for SaturatingActivationWithHeInit {
    fn check_layer(&self, cx: &Context<'_>, layer: &Layer, out: &mut Vec<Diagnostic>) {
        if !layer.is_weight_layer() || layer.custom {
            return;
        }
        let model = cx.model;
        let Some(eff) = walk::effective_activation(model, layer.id) else {
            return;
        };
        if !eff.family().is_some_and(|f| f.is_saturating()) {
            return;
        }
        let Some(init) = walk::kernel_initializer(layer) else {
            return;
        };
        if init.effective_family() != Some(InitFamily::He) {
            return;
        }
        // Output layers and multiplicative gates (squeeze-and-excitation)
        // are not part of the stack whose signal the scaling is about.
        if !walk::is_hidden(model, layer.id) || walk::is_gate(model, layer.id) {
            return;
        }
        let act = eff.activation;
        let key = keras1::key(model.format, walk::kernel_initializer_key(layer.class()));
        out.push(
            META.diag(format!(
                "{} applies `{}` but its `{key}` is He initialization, which is scaled for ReLU",
                model.describe_layer(layer.id),
                act.name
            ))
            .at(
                init.span,
                format!(
                    "{} doubles the variance to make up for ReLU zeroing half its inputs",
                    describe_init(&init)
                ),
            )
            .label(
                act.span,
                format!(
                    "`{}` has no such zero half: the doubled variance pushes it into saturation",
                    act.name
                ),
            )
            .help(format!(
                "use `{key}: glorot_uniform` (the Keras default) for sigmoid/tanh layers"
            ))
            .layer(layer.name())
            .fix_plan(
                edits::set_initializer(model.format, layer, key, edits::GLOROT_UNIFORM)
                    .map(|c| FixPlan::unsafe_(format!("use `{key}: glorot_uniform`"), vec![c])),
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::codes;

    #[test]
    fn fires_for_an_activation_layer_after_an_he_initialized_layer() {
        let yaml = "
layers:
  - {type: LSTM, units: 8, return_sequences: true}
  - type: TimeDistributed
    layer: {type: Dense, units: 8, kernel_initializer: he_uniform}
  - {type: Activation, activation: tanh}
  - {type: Flatten}
  - {type: Dense, units: 1}
loss: mse
";
        assert_eq!(codes("m.yaml", yaml), ["ACT402"]);
    }

    #[test]
    fn silent_for_output_layers_and_glorot() {
        let yaml = "
layers:
  - {type: GRU, units: 8}
  - {type: Dense, units: 8, activation: tanh}
  - {type: Dense, units: 1, activation: sigmoid, kernel_initializer: he_normal}
loss: binary_crossentropy
";
        assert_eq!(codes("m.yaml", yaml), Vec::<&str>::new());
    }
}
