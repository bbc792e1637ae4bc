//! ACT110 `relu-output-for-regression`: regression head with relu cannot predict negative values.

use crate::diagnostic::Diagnostic;
use crate::ir::catalog::{self, ActFamily, ActivationInfo, LossFamily};
use crate::ir::{Head, Layer, Model, Task};
use crate::rules::{task, Context, Rule};

crate::declare_rule! {
    /// regression head with relu cannot predict negative values.
    pub struct ReluOutputForRegression {
        code: "ACT110",
        name: "relu-output-for-regression",
        category: Output,
        severity: Info,
        concerns: [Activation(Relu), Loss(Regression)],
    }
}

/// Losses that already assume non-negative targets: relu suits them.
fn assumes_non_negative_targets(head: &Head) -> bool {
    head.loss.as_ref().is_some_and(|l| {
        l.family() == Some(LossFamily::Poisson)
            || l.info
                .is_some_and(|i| i.name == "mean_squared_logarithmic_error")
    })
}

impl Rule for ReluOutputForRegression {
    fn check_head(&self, cx: &Context<'_>, head: &Head, out: &mut Vec<Diagnostic>) {
        let Some(act) = &head.activation else {
            return;
        };
        let Some(info) = act.activation.info else {
            return;
        };
        let model = cx.model;
        let layer = model.layer(act.layer);
        if !never_negative(layer, info) {
            return;
        }
        let Some(evidence) = task::infer(model, head) else {
            return;
        };
        if evidence.task != Task::Regression || assumes_non_negative_targets(head) {
            return;
        }
        let capped = info.name == "relu6"
            || (layer.class() == "ReLU"
                && layer
                    .param("max_value")
                    .is_some_and(|v| v.as_f64().is_some()));
        let what = if capped {
            "it can never predict a negative value, nor one above its cap"
        } else {
            "it can never predict a negative value"
        };
        let mut d = META
            .diag(format!(
                "regression output {} ends in {}: {what}",
                model.describe_head(head),
                act.activation.name
            ))
            .at(
                act.activation.span,
                "relu turns every negative prediction into 0",
            );
        let evidence_span = match (&model.task, &head.loss) {
            (Some(t), _) => Some(t.span),
            (None, Some(l)) => Some(l.span),
            (None, None) => None,
        };
        if let Some(span) = evidence_span {
            d = d.label(span, evidence.says);
        }
        let fix = keep_linear(model, layer);
        out.push(
            d.help(format!(
                "{fix} when targets can be negative; relu is fine when they are known to be non-negative (prices, counts), but an output stuck at 0 gets no gradient: `softplus` avoids that"
            ))
            .layer(layer.name()),
        );
    }
}

/// Whether the output activation (`info`, applied by `layer`) is a relu
/// that outputs no negative value: relu and relu6, not leaky_relu or elu,
/// nor a `ReLU` layer with a negative slope.
fn never_negative(layer: &Layer, info: &ActivationInfo) -> bool {
    if info.family != ActFamily::Relu || !info.non_negative {
        return false;
    }
    // ReLU(negative_slope=0.1) is a leaky ReLU.
    let slope = layer.param("negative_slope").and_then(|n| n.as_f64());
    !(layer.class() == "ReLU" && slope.is_some_and(|s| s != 0.0))
}

/// How to make the output linear: remove the activation layer, or set the
/// layer's activation to linear.
fn keep_linear(model: &Model, layer: &Layer) -> String {
    if layer.class() == "Activation" || catalog::activation_layer(layer.class()).is_some() {
        format!(
            "remove {} to keep the output linear",
            model.describe_layer(layer.id)
        )
    } else {
        "use `activation: linear`".to_string()
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing;

    fn act110(header: &str, output: &str, loss: &str) -> Vec<String> {
        let yaml = format!(
            "{header}\nlayers:\n  - {{type: Dense, units: 16, activation: relu, kernel_initializer: he_normal}}\n{output}\nloss: {loss}\n"
        );
        testing::reported("model.yaml", &yaml, "ACT110")
            .into_iter()
            .map(|d| d.message)
            .collect()
    }

    #[test]
    fn relu_and_relu6_regression_heads() {
        let relu = "  - {type: Dense, units: 1, activation: relu, kernel_initializer: he_normal}";
        assert_eq!(act110("", relu, "mse").len(), 1);
        assert_eq!(act110("", relu, "huber").len(), 1);
        let layer = "  - {type: Dense, units: 1}\n  - {type: ReLU}";
        assert_eq!(act110("", layer, "mae").len(), 1);
        let relu6 = "  - {type: Dense, units: 1, activation: relu6, kernel_initializer: he_normal}";
        let msg = act110("", relu6, "mse");
        assert!(msg[0].contains("nor one above its cap"), "{msg:?}");
    }

    #[test]
    fn silent_for_leaky_variants_count_losses_and_classifiers() {
        let leaky = "  - {type: Dense, units: 1}\n  - {type: ReLU, negative_slope: 0.1}";
        assert!(act110("", leaky, "mse").is_empty());
        let elu = "  - {type: Dense, units: 1, activation: elu}";
        assert!(act110("", elu, "mse").is_empty());
        let relu = "  - {type: Dense, units: 1, activation: relu, kernel_initializer: he_normal}";
        assert!(act110("", relu, "poisson").is_empty());
        assert!(act110("", relu, "msle").is_empty());
        // A declared classification task: the regression loss is the problem, not relu.
        assert!(act110("task: binary", relu, "mse").is_empty());
    }
}
