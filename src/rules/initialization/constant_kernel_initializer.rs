//! ACT404 `constant-kernel-initializer`: kernel initializer zeros/ones/constant never breaks symmetry.

use crate::diagnostic::{Diagnostic, Severity};
use crate::ir::catalog::InitFamily;
use crate::ir::{InitializerRef, Layer};
use crate::rules::walk;
use crate::rules::{Context, Rule};

crate::declare_rule! {
    /// kernel initializer zeros/ones/constant never breaks symmetry.
    pub struct ConstantKernelInitializer {
        code: "ACT404",
        name: "constant-kernel-initializer",
        category: Initialization,
        severity: Error,
        concerns: [Initializer(Constant)],
    }
}

/// The kernels of a layer whose units would start as copies of one another,
/// with the argument that sets each.
fn kernels(layer: &Layer) -> Vec<(&'static str, InitializerRef)> {
    let mut v = Vec::new();
    let class = layer.class();
    // A depthwise kernel gives each channel its own filter over its own
    // input: a constant one is a box filter, not a set of identical units.
    if layer.is_weight_layer() && !class.starts_with("Depthwise") {
        if let Some(init) = walk::kernel_initializer(layer) {
            v.push((walk::kernel_initializer_key(class), init));
        }
    }
    if layer.is_recurrent() {
        if let Some(init) = layer.kernel_initializer.clone() {
            v.push(("kernel_initializer", init));
        }
        if let Some(init) = layer.recurrent_initializer.clone() {
            v.push(("recurrent_initializer", init));
        }
    }
    v
}

/// How a message names the value: `zeros`, `ones`, `Constant(0.5)`.
fn describe(init: &InitializerRef) -> String {
    let name = init.info.map_or(init.name.as_str(), |i| i.name);
    match init.param("value").and_then(|v| v.as_f64()) {
        Some(value) if name == "constant" => format!("constant {value}"),
        _ => name.to_string(),
    }
}

impl Rule for ConstantKernelInitializer {
    fn check_layer(&self, cx: &Context<'_>, layer: &Layer, out: &mut Vec<Diagnostic>) {
        if layer.custom || layer.wrapped.is_some() {
            return;
        }
        // One unit has no twin to stay identical to.
        if layer.units.as_ref().is_some_and(|u| u.value <= 1) {
            return;
        }
        let name = cx.model.describe_layer(layer.id);
        for (key, init) in kernels(layer) {
            if init.custom || init.effective_family() != Some(InitFamily::Constant) {
                continue;
            }
            let what = if key == "recurrent_initializer" {
                "recurrent kernel"
            } else {
                "kernel"
            };
            let value = describe(&init);
            let mut d = META
                .diag(format!(
                    "{name} initializes its {what} to {value}: every unit starts with the same weights"
                ))
                .at(init.span, format!("`{key}` sets every weight to the same value"));
            if let Some(units) = &layer.units {
                d = d.label(
                    units.span,
                    "these units start as exact copies of one another",
                );
            }
            // The units of an output layer read distinct hidden features,
            // so their gradients differ from the first step: a zero-initialized
            // head (as in TensorFlow's time-series tutorial) trains. Info only.
            let head = cx.model.is_head_layer(layer.id);
            if head {
                d.severity = Severity::Info;
            }
            out.push(
                d.help(if head {
                    "on an output layer this trains (its units see different features, so their gradients differ), and a zero start is sometimes chosen on purpose; on a hidden layer it would not"
                } else if key == "recurrent_initializer" {
                    "use `orthogonal` (the Keras default) for the recurrent kernel; constant values belong in `bias_initializer`"
                } else {
                    "use a random initializer (`he_normal` for ReLU, `glorot_uniform` for sigmoid/tanh, `lecun_normal` for selu); constant values belong in `bias_initializer`"
                })
                .layer(layer.name()),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostic::Severity;
    use crate::rules::testing::codes_with;

    fn codes(yaml: &str) -> Vec<&'static str> {
        codes_with("m.yaml", yaml, &["ACT404"], 5)
    }

    fn dense(args: &str) -> Vec<&'static str> {
        codes(&format!(
            "layers:\n  - {{type: Dense, units: 8, activation: relu, {args}}}\n  - {{type: Dense, units: 1}}\nloss: mse\n"
        ))
    }

    #[test]
    fn constant_kernels_are_errors() {
        assert_eq!(dense("kernel_initializer: zeros"), ["ACT404"]);
        assert_eq!(dense("kernel_initializer: Ones"), ["ACT404"]);
        assert_eq!(
            dense("kernel_initializer: {type: Constant, value: 0.1}"),
            ["ACT404"]
        );
        assert_eq!(
            dense("kernel_initializer: he_normal, bias_initializer: zeros"),
            Vec::<&str>::new()
        );
    }

    #[test]
    fn recurrent_kernels_and_wrappers() {
        let yaml = "
layers:
  - type: Bidirectional
    layer: {type: LSTM, units: 8, recurrent_initializer: zeros}
  - {type: Dense, units: 1}
loss: mse
";
        assert_eq!(codes(yaml), ["ACT404"]);
    }

    #[test]
    fn single_units_and_depthwise_kernels_have_no_twins() {
        let yaml = "
layers:
  - {type: DepthwiseConv2D, kernel_size: 3, depthwise_initializer: ones}
  - {type: Flatten}
  - {type: Dense, units: 1, kernel_initializer: zeros}
loss: mse
";
        assert_eq!(codes(yaml), Vec::<&str>::new());
    }

    /// A zero-initialized output layer trains: info; a hidden one: error.
    #[test]
    fn an_output_layer_is_info_a_hidden_layer_an_error() {
        let yaml = "layers:\n  - {type: Dense, units: 8, activation: relu, kernel_initializer: zeros}\n  - {type: Dense, units: 4, kernel_initializer: zeros}\nloss: mse\n";
        let d = crate::rules::testing::lint("m.yaml", yaml, &["ACT404"]);
        let severities: Vec<Severity> = d.iter().map(|d| d.severity).collect();
        assert_eq!(severities, [Severity::Error, Severity::Info], "{d:?}");
    }
}
