//! ACT107 `binary-crossentropy-with-softmax`: binary crossentropy on a softmax head of 3 or more units.

use crate::diagnostic::Diagnostic;
use crate::ir::catalog::{self, ActFamily, LossFamily, MetricFamily};
use crate::ir::Head;
use crate::rules::{Context, Rule};

crate::declare_rule! {
    /// binary crossentropy on a softmax head of 3 or more units.
    pub struct BinaryCrossentropyWithSoftmax {
        code: "ACT107",
        name: "binary-crossentropy-with-softmax",
        category: Output,
        severity: Error,
        concerns: [Activation(Softmax), Loss(BinaryCrossentropy)],
    }
}

impl Rule for BinaryCrossentropyWithSoftmax {
    fn check_head(&self, cx: &Context<'_>, head: &Head, out: &mut Vec<Diagnostic>) {
        let (Some(act), Some(loss)) = (&head.activation, &head.loss) else {
            return;
        };
        if act.activation.family() != Some(ActFamily::Softmax)
            || loss.family() != Some(LossFamily::BinaryCrossentropy)
            // softmax with from_logits=True is ACT105's double squashing
            || loss.from_logits()
        {
            return;
        }
        // Over 2 units, binary crossentropy with one-hot labels equals
        // categorical crossentropy: that is ACT102's 2-unit softmax, not a
        // wrong loss.
        let Some(units) = head.units.as_ref().filter(|u| u.value >= 3) else {
            return;
        };
        let n = units.value;
        let model = cx.model;
        let mut d = META
            .diag(format!(
                "binary crossentropy on the {n}-unit softmax of {}: it scores each unit as an independent yes/no, not one choice among {n} classes",
                model.describe_head(head)
            ))
            .at(loss.span, "binary crossentropy treats every unit as a separate label")
            .label(
                act.activation.span,
                format!("softmax makes the {n} units one distribution over classes"),
            );
        for metric in &head.metrics {
            let Some(info) = catalog::metric_info(&metric.name) else {
                continue;
            };
            match info.family {
                MetricFamily::BinaryAccuracy => {
                    d = d.label(
                        metric.span,
                        format!(
                            "binary accuracy averages {n} per-unit checks: predicting no class at all already scores {:.0}%",
                            100.0 * (n - 1) as f64 / n as f64
                        ),
                    );
                }
                MetricFamily::AutoAccuracy => {
                    d = d.label(
                        metric.span,
                        "with this loss, older Keras reports `accuracy` as binary accuracy per unit, which looks too high",
                    );
                }
                _ => {}
            }
        }
        out.push(
            d.help(
                "for one class per sample use `categorical_crossentropy` (one-hot labels) or `sparse_categorical_crossentropy` (integer labels); for several labels per sample use `activation: sigmoid` with binary crossentropy",
            )
            .layer(model.layer(act.layer).name()),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostic::Diagnostic;
    use crate::rules::testing;

    fn lint(output: &str, loss: &str, metrics: &str) -> Vec<Diagnostic> {
        let yaml = format!(
            "layers:\n  - {{type: Dense, units: 16, activation: relu, kernel_initializer: he_normal}}\n{output}\nloss: {loss}\nmetrics: {metrics}\n"
        );
        testing::lint_all("model.yaml", &yaml)
    }

    fn act107(diags: &[Diagnostic]) -> Vec<&Diagnostic> {
        diags.iter().filter(|d| d.code == "ACT107").collect()
    }

    #[test]
    fn labels_the_loss_the_softmax_and_the_inflated_metric() {
        let out = "  - {type: Dense, units: 10, activation: softmax}";
        let diags = lint(out, "binary_crossentropy", "[binary_accuracy]");
        let found = act107(&diags);
        assert_eq!(found.len(), 1, "{diags:#?}");
        let d = found[0];
        assert!(d.message.contains("10-unit softmax"), "{}", d.message);
        let labels: Vec<_> = d
            .secondary
            .iter()
            .filter_map(|l| l.message.as_deref())
            .collect();
        assert!(
            labels.iter().any(|l| l.contains("already scores 90%")),
            "{labels:?}"
        );
    }

    #[test]
    fn follows_a_separate_softmax_layer_and_focal_loss() {
        let out = "  - {type: Dense, units: 4}\n  - {type: Softmax}";
        assert_eq!(
            act107(&lint(out, "binary_focal_crossentropy", "[]")).len(),
            1
        );
    }

    #[test]
    fn silent_where_other_rules_or_nothing_apply() {
        // Over 2 units binary crossentropy equals categorical crossentropy (ACT102's case).
        let two = "  - {type: Dense, units: 2, activation: softmax}";
        assert!(act107(&lint(two, "binary_crossentropy", "[]")).is_empty());
        // from_logits=True on a softmax is ACT105.
        let ten = "  - {type: Dense, units: 10, activation: softmax}";
        let logits = "{type: BinaryCrossentropy, from_logits: true}";
        assert!(act107(&lint(ten, logits, "[]")).is_empty());
        assert!(act107(&lint(ten, "categorical_crossentropy", "[accuracy]")).is_empty());
    }
}
