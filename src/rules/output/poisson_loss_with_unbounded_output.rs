//! ACT113 `poisson-loss-with-unbounded-output`: poisson loss on a head that can output values <= 0.

use crate::diagnostic::Diagnostic;
use crate::ir::catalog::LossFamily;
use crate::ir::Head;
use crate::rules::{Context, Rule};

crate::declare_rule! {
    /// poisson loss on a head that can output values <= 0.
    pub struct PoissonLossWithUnboundedOutput {
        code: "ACT113",
        name: "poisson-loss-with-unbounded-output",
        category: Output,
        severity: Error,
        concerns: [Activation(Exponential), Loss(Poisson)],
    }
}

impl Rule for PoissonLossWithUnboundedOutput {
    fn check_head(&self, cx: &Context<'_>, head: &Head, out: &mut Vec<Diagnostic>) {
        let (Some(act), Some(loss)) = (&head.activation, &head.loss) else {
            return;
        };
        if loss.family() != Some(LossFamily::Poisson) {
            return;
        }
        // Unknown and custom activations: nothing to say.
        let Some(info) = act.activation.info else {
            return;
        };
        if info.positive {
            return;
        }
        let model = cx.model;
        let name = &act.activation.name;
        let (message, label) = if info.non_negative {
            (
                format!(
                    "`{}` on the {name} output of {}: {name} outputs exactly 0, and the Poisson loss needs a rate above 0",
                    loss.name,
                    model.describe_head(head)
                ),
                format!("{name} can output 0: log(0 + 1e-7) costs about 16 per count, with no gradient to recover"),
            )
        } else {
            (
                format!(
                    "`{}` on the {name} output of {}: it can predict rates of 0 or below, where the Poisson loss takes the log of a non-positive number",
                    loss.name,
                    model.describe_head(head)
                ),
                format!("{name} can output values <= 0: the loss becomes NaN"),
            )
        };
        out.push(
            META.diag(message)
                .at(act.activation.span, label)
                .label(loss.span, "the Poisson loss computes y_pred - y_true * log(y_pred)")
                .help(
                    "use `activation: exponential` (the usual log link of Poisson regression) or `activation: softplus`, which are always > 0",
                )
                .layer(model.layer(act.layer).name()),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing;

    fn act113(output: &str) -> Vec<String> {
        let yaml = format!(
            "layers:\n  - {{type: Dense, units: 16, activation: relu, kernel_initializer: he_normal}}\n{output}\nloss: poisson\n"
        );
        testing::reported("model.yaml", &yaml, "ACT113")
            .into_iter()
            .map(|d| d.message)
            .collect()
    }

    #[test]
    fn outputs_that_reach_zero_or_below() {
        let linear = act113("  - {type: Dense, units: 1}");
        assert!(linear[0].contains("rates of 0 or below"), "{linear:?}");
        assert_eq!(
            act113("  - {type: Dense, units: 1, activation: tanh}").len(),
            1
        );
        let relu = act113("  - {type: Dense, units: 1}\n  - {type: ReLU}");
        assert!(relu[0].contains("relu outputs exactly 0"), "{relu:?}");
    }

    #[test]
    fn strictly_positive_outputs_are_fine() {
        for act in ["exponential", "softplus", "sigmoid"] {
            let out = format!("  - {{type: Dense, units: 1, activation: {act}}}");
            assert!(act113(&out).is_empty(), "{act}");
        }
    }
}
