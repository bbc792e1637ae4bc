//! ACT114 `kl-divergence-without-softmax`: KL divergence on a head that is not a distribution.
//!
//! Heads that do not output probabilities at all (linear, relu, tanh, ...)
//! are ACT104's; this rule covers the probability heads that are still not
//! a distribution: sigmoid units.

use crate::diagnostic::Diagnostic;
use crate::ir::catalog::{ActFamily, LossFamily};
use crate::ir::Head;
use crate::rules::{Context, Rule};

crate::declare_rule! {
    /// KL divergence on a head that is not a distribution.
    pub struct KlDivergenceWithoutSoftmax {
        code: "ACT114",
        name: "kl-divergence-without-softmax",
        category: Output,
        severity: Warning,
        concerns: [Loss(KlDivergence)],
    }
}

impl Rule for KlDivergenceWithoutSoftmax {
    fn check_head(&self, cx: &Context<'_>, head: &Head, out: &mut Vec<Diagnostic>) {
        let (Some(act), Some(loss)) = (&head.activation, &head.loss) else {
            return;
        };
        if loss.family() != Some(LossFamily::KlDivergence)
            || act.activation.family() != Some(ActFamily::Sigmoid)
        {
            return;
        }
        let model = cx.model;
        let units = match head.units() {
            Some(1) => "its one unit is".to_string(),
            Some(n) => format!("its {n} units are"),
            None => "its units are".to_string(),
        };
        out.push(
            META.diag(format!(
                "`{}` on the {} output of {}: {units} not a distribution, so the loss is lowest when every unit predicts 1",
                loss.name,
                act.activation.name,
                model.describe_head(head)
            ))
            .at(act.activation.span, format!("{} units are independent and do not sum to 1", act.activation.name))
            .label(loss.span, "KL divergence compares two distributions over the last axis")
            .help(
                "use `activation: softmax` so the output is a distribution; for independent per-unit probabilities use `binary_crossentropy`",
            )
            .layer(model.layer(act.layer).name()),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing;

    fn codes(output: &str) -> Vec<&'static str> {
        let yaml = format!(
            "layers:\n  - {{type: Dense, units: 16, activation: relu, kernel_initializer: he_normal}}\n{output}\nloss: kl_divergence\n"
        );
        let mut codes: Vec<_> = testing::lint_all("model.yaml", &yaml)
            .iter()
            .map(|d| d.code)
            .collect();
        codes.sort();
        codes
    }

    #[test]
    fn sigmoid_heads_get_act114() {
        assert_eq!(
            codes("  - {type: Dense, units: 4, activation: sigmoid}"),
            ["ACT114"]
        );
        let wrapped =
            "  - {type: TimeDistributed, layer: {type: Dense, units: 4, activation: sigmoid}}";
        assert_eq!(codes(wrapped), ["ACT114"]);
    }

    #[test]
    fn non_probability_heads_get_act104_only() {
        assert_eq!(codes("  - {type: Dense, units: 4}"), ["ACT104"]);
        assert!(codes("  - {type: Dense, units: 4, activation: softmax}").is_empty());
    }
}
