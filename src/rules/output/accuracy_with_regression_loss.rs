//! ACT111 `accuracy-with-regression-loss`: an accuracy metric with a regression loss.

use crate::diagnostic::Diagnostic;
use crate::ir::catalog::{self, LossFamily};
use crate::ir::{Head, Task};
use crate::rules::{Context, Rule};

crate::declare_rule! {
    /// an accuracy metric with a regression loss.
    pub struct AccuracyWithRegressionLoss {
        code: "ACT111",
        name: "accuracy-with-regression-loss",
        category: Output,
        severity: Warning,
        concerns: [Loss(Regression)],
    }
}

impl Rule for AccuracyWithRegressionLoss {
    fn check_head(&self, cx: &Context<'_>, head: &Head, out: &mut Vec<Diagnostic>) {
        let Some(loss) = &head.loss else {
            return;
        };
        if loss.family() != Some(LossFamily::Regression) {
            return;
        }
        let model = cx.model;
        // A sigmoid/softmax head or a declared classification task means the
        // loss is the mistake (ACT103, ACT109), and accuracy is the right metric.
        if head.family().is_some_and(|f| f.is_probability())
            || model
                .task
                .as_ref()
                .is_some_and(|t| t.value != Task::Regression)
        {
            return;
        }
        for metric in &head.metrics {
            let Some(info) = catalog::metric_info(&metric.name) else {
                continue;
            };
            if !info.family.is_accuracy() {
                continue;
            }
            out.push(
                META.diag(format!(
                    "`{}` is tracked for {}, a regression output trained with `{}`: accuracy counts exact class matches, which continuous predictions almost never are",
                    metric.name,
                    model.describe_head(head),
                    loss.name
                ))
                .at(metric.span, "accuracy compares predicted classes, not values")
                .label(loss.span, format!("`{}` is a regression loss", loss.name))
                .help(
                    "track an error metric such as `mae`, `mse` or `RootMeanSquaredError` instead; if the model classifies, use a crossentropy loss with a sigmoid/softmax output",
                )
                .layer(model.layer(head.output_layer).name()),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing;

    fn act111(header: &str, output: &str, metrics: &str) -> Vec<String> {
        let yaml = format!(
            "{header}\nlayers:\n  - {{type: Dense, units: 16, activation: relu, kernel_initializer: he_normal}}\n  - {output}\nloss: mse\nmetrics: {metrics}\n"
        );
        testing::reported("model.yaml", &yaml, "ACT111")
            .into_iter()
            .map(|d| d.message)
            .collect()
    }

    #[test]
    fn every_accuracy_spelling_is_reported() {
        let linear = "{type: Dense, units: 1}";
        let metrics =
            "[mae, accuracy, acc, {type: BinaryAccuracy}, sparse_top_k_categorical_accuracy]";
        let found = act111("", linear, metrics);
        assert_eq!(found.len(), 4, "{found:?}");
        assert!(found[0].starts_with("`accuracy` is tracked for"));
        assert!(act111("", linear, "[mae, mse, {type: RootMeanSquaredError}]").is_empty());
    }

    #[test]
    fn probability_heads_and_classification_tasks_are_left_to_other_rules() {
        let sigmoid = "{type: Dense, units: 1, activation: sigmoid}";
        assert!(act111("", sigmoid, "[accuracy]").is_empty());
        let linear = "{type: Dense, units: 1}";
        assert!(act111("task: binary", linear, "[accuracy]").is_empty());
        assert_eq!(act111("task: regression", linear, "[accuracy]").len(), 1);
    }
}
