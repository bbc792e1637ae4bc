//! ACT112 `hinge-loss-with-probability-output`: hinge loss on a sigmoid/softmax head.

use crate::diagnostic::Diagnostic;
use crate::ir::catalog::{ActFamily, LossFamily};
use crate::ir::Head;
use crate::rules::{Context, Rule};

crate::declare_rule! {
    /// hinge loss on a sigmoid/softmax head.
    pub struct HingeLossWithProbabilityOutput {
        code: "ACT112",
        name: "hinge-loss-with-probability-output",
        category: Output,
        severity: Warning,
        concerns: [Loss(Hinge), Loss(CategoricalHinge)],
    }
}

impl Rule for HingeLossWithProbabilityOutput {
    fn check_head(&self, cx: &Context<'_>, head: &Head, out: &mut Vec<Diagnostic>) {
        let (Some(act), Some(loss)) = (&head.activation, &head.loss) else {
            return;
        };
        if !matches!(
            loss.family(),
            Some(LossFamily::Hinge | LossFamily::CategoricalHinge)
        ) {
            return;
        }
        let (range, crossentropy) = match act.activation.family() {
            Some(ActFamily::Sigmoid) => ("(0, 1)", "binary_crossentropy"),
            Some(ActFamily::Softmax) => ("(0, 1), summing to 1", "categorical_crossentropy"),
            _ => return,
        };
        let model = cx.model;
        out.push(
            META.diag(format!(
                "`{}` on the {} output of {}: hinge losses want unbounded scores and labels of -1/+1, so the margin of 1 can never be reached",
                loss.name,
                act.activation.name,
                model.describe_head(head)
            ))
            .at(loss.span, "a margin loss: it wants scores beyond ±1")
            .label(
                act.activation.span,
                format!("{} squeezes the scores into {range}", act.activation.name),
            )
            .help(format!(
                "for a margin classifier use `activation: linear` with the hinge loss; to keep probabilities, use `{crossentropy}`"
            ))
            .layer(model.layer(act.layer).name()),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing;

    fn act112(output: &str, loss: &str) -> Vec<String> {
        let yaml = format!(
            "layers:\n  - {{type: Dense, units: 16, activation: relu, kernel_initializer: he_normal}}\n{output}\nloss: {loss}\n"
        );
        testing::reported("model.yaml", &yaml, "ACT112")
            .into_iter()
            .map(|d| d.help.unwrap_or_default())
            .collect()
    }

    #[test]
    fn every_hinge_loss_on_sigmoid_or_softmax() {
        let sigmoid = "  - {type: Dense, units: 1, activation: sigmoid}";
        let help = act112(sigmoid, "squared_hinge");
        assert!(help[0].contains("`binary_crossentropy`"), "{help:?}");
        let softmax = "  - {type: Dense, units: 3}\n  - {type: Activation, activation: softmax}";
        let help = act112(softmax, "{type: CategoricalHinge}");
        assert!(help[0].contains("`categorical_crossentropy`"), "{help:?}");
    }

    #[test]
    fn linear_and_tanh_scores_are_what_hinge_wants() {
        assert!(act112("  - {type: Dense, units: 1}", "hinge").is_empty());
        assert!(act112("  - {type: Dense, units: 1, activation: tanh}", "hinge").is_empty());
        let sigmoid = "  - {type: Dense, units: 1, activation: sigmoid}";
        assert!(act112(sigmoid, "binary_crossentropy").is_empty());
    }
}
