//! ACT104 `probability-loss-without-probability-output`: crossentropy or KL loss on a head that does not output probabilities, without from_logits.

use crate::diagnostic::Diagnostic;
use crate::ir::catalog::{ActFamily, LossFamily};
use crate::ir::{Head, HeadActivation, LossRef};
use crate::rules::{Context, Rule};

crate::declare_rule! {
    /// crossentropy or KL loss on a head that does not output probabilities, without from_logits.
    pub struct ProbabilityLossWithoutProbabilityOutput {
        code: "ACT104",
        name: "probability-loss-without-probability-output",
        category: Output,
        severity: Error,
        concerns: [Activation(Linear), Activation(Relu), Loss(BinaryCrossentropy), Loss(CategoricalCrossentropy), Loss(SparseCategoricalCrossentropy)],
    }
}

/// The head's known, non-probability activation and its probability loss,
/// when the loss does not take logits.
pub(crate) fn applies(head: &Head) -> Option<(&HeadActivation, &LossRef, LossFamily)> {
    let act = head.activation.as_ref()?;
    let family = act.activation.family()?;
    if family.is_probability() {
        return None;
    }
    let loss = head.loss.as_ref()?;
    let loss_family = loss.family()?;
    if !(loss_family.is_crossentropy() || loss_family == LossFamily::KlDivergence) {
        return None;
    }
    let takes_logits = loss.info.is_some_and(|i| i.has_from_logits) && loss.from_logits();
    if takes_logits {
        return None;
    }
    Some((act, loss, loss_family))
}

impl Rule for ProbabilityLossWithoutProbabilityOutput {
    fn check_head(&self, cx: &Context<'_>, head: &Head, out: &mut Vec<Diagnostic>) {
        let model = cx.model;
        let Some((act, loss, loss_family)) = applies(head) else {
            return;
        };
        let a = &act.activation;
        let layer = model.describe_output_layer(act.layer);
        let output = if !a.explicit {
            format!("{layer} has no activation (linear)")
        } else if a.family() == Some(ActFamily::Linear) {
            format!("{layer} is linear")
        } else {
            format!("{layer} applies {}", a.name)
        };
        let expects = match loss_family {
            LossFamily::KlDivergence => "compares probability distributions",
            _ => "expects probabilities",
        };
        let mut message = format!("`{}` {expects}, but {output}", loss.name);
        if let Some(f) = &loss.from_logits {
            if !f.value {
                message.push_str(" and `from_logits` is false");
            }
        }
        let label = match a.family() {
            Some(ActFamily::Linear) if !a.explicit => "no activation: raw scores".to_string(),
            Some(ActFamily::Linear) => "raw scores, not probabilities".to_string(),
            _ => format!("{} does not output probabilities", a.name),
        };
        let squash = match loss_family {
            LossFamily::BinaryCrossentropy => "sigmoid",
            _ => "softmax",
        };
        let help = if loss_family == LossFamily::KlDivergence {
            "add a softmax to the output layer: KL divergence compares probability \
             distributions and has no `from_logits` option"
                .to_string()
        } else if a.family() == Some(ActFamily::Linear) {
            format!(
                "add a {squash} to the output layer, or keep it linear and set `from_logits` \
                 to true on the loss (numerically more stable)"
            )
        } else {
            format!(
                "replace {} with a {squash}, or make the output linear and set `from_logits` \
                 to true on the loss (numerically more stable)",
                a.name
            )
        };
        let mut d = META
            .diag(message)
            .at(a.span, label)
            .label(loss.span, expects.to_string());
        if let Some(f) = loss.from_logits.as_ref().filter(|f| !f.value) {
            d = d.label(f.span, "inputs are taken as probabilities");
        }
        out.push(d.help(help).layer(model.layer(act.layer).name()));
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostic::Diagnostic;
    use crate::rules::testing;

    fn lint(output: &str, loss: &str) -> (String, Vec<Diagnostic>) {
        let yaml = format!("layers:\n  - {output}\nloss: {loss}\n");
        let d = testing::lint("model.yaml", &yaml, &["ACT104"]);
        (yaml, d)
    }

    #[test]
    fn linear_output_with_crossentropy() {
        let (yaml, d) = lint(
            "{type: Dense, units: 1}",
            "{type: BinaryCrossentropy, from_logits: false}",
        );
        assert_eq!(d.len(), 1);
        assert_eq!(
            d[0].message,
            "`BinaryCrossentropy` expects probabilities, but the `Dense` output layer has no activation (linear) and `from_logits` is false"
        );
        let texts: Vec<_> = d[0]
            .secondary
            .iter()
            .map(|l| &yaml[l.span.start..l.span.end])
            .collect();
        assert_eq!(texts, ["BinaryCrossentropy", "false"]);
        assert!(d[0]
            .help
            .as_deref()
            .unwrap()
            .starts_with("add a sigmoid to the output layer"));
    }

    #[test]
    fn other_non_probability_activations() {
        let (_, d) = lint(
            "{type: Dense, units: 3, activation: tanh}",
            "categorical_crossentropy",
        );
        assert_eq!(d.len(), 1);
        assert_eq!(
            d[0].message,
            "`categorical_crossentropy` expects probabilities, but the `Dense` output layer applies tanh"
        );
        assert!(d[0]
            .help
            .as_deref()
            .unwrap()
            .starts_with("replace tanh with a softmax"));
        let (_, d) = lint("{type: Dense, units: 3, activation: relu}", "kld");
        assert_eq!(d.len(), 1);
        assert!(d[0]
            .message
            .starts_with("`kld` compares probability distributions"));
        // KL divergence has no `from_logits`: setting it does not help.
        let (_, d) = lint(
            "{type: Dense, units: 3}",
            "{type: KLDivergence, from_logits: true}",
        );
        assert_eq!(d.len(), 1);
    }

    #[test]
    fn probabilities_logits_and_unknown_activations_pass() {
        for (output, loss) in [
            (
                "{type: Dense, units: 1, activation: sigmoid}",
                "binary_crossentropy",
            ),
            ("{type: Dense, units: 3, activation: softmax}", "kld"),
            (
                "{type: Dense, units: 3}",
                "{type: CategoricalCrossentropy, from_logits: true}",
            ),
            (
                "{type: Dense, units: 3, activation: my_pkg>probs}",
                "categorical_crossentropy",
            ),
            ("{type: Dense, units: 1}", "mse"),
        ] {
            assert!(lint(output, loss).1.is_empty(), "{output} {loss}");
        }
    }
}
