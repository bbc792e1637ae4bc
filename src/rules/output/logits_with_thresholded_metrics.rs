//! ACT115 `logits-with-thresholded-metrics`: from_logits=True loss with metrics that threshold probabilities at 0.5.

use crate::diagnostic::Diagnostic;
use crate::ir::catalog::{self, LossFamily, MetricFamily};
use crate::ir::{Head, MetricRef};
use crate::rules::{Context, Rule};
use crate::tree::Value;

crate::declare_rule! {
    /// from_logits=True loss with metrics that threshold probabilities at 0.5.
    pub struct LogitsWithThresholdedMetrics {
        code: "ACT115",
        name: "logits-with-thresholded-metrics",
        category: Output,
        severity: Warning,
    }
}

/// A metric's numeric parameter (`threshold: 0.0`), when given.
fn number(metric: &MetricRef, key: &str) -> Option<f64> {
    metric.config.as_ref()?.get_some(key)?.as_f64()
}

/// `thresholds: 0.0` or `thresholds: [0.0]`: the metric thresholds logits at 0.
fn thresholds_at_zero(metric: &MetricRef) -> bool {
    let Some(node) = metric
        .config
        .as_ref()
        .and_then(|c| c.get_some("thresholds"))
    else {
        return false;
    };
    match &node.value {
        Value::Number(n) => n.value == 0.0,
        Value::Array(items) => !items.is_empty() && items.iter().all(|i| i.as_f64() == Some(0.0)),
        _ => false,
    }
}

/// What is wrong with a metric on logits, and what to write instead.
struct Finding {
    label: String,
    help: &'static str,
}

/// A threshold `t` applied to logits, in words: the probability it means.
fn logit_threshold(t: f64) -> String {
    format!(
        "thresholds the logits at {t}, which is probability {:.2}, not {t}",
        1.0 / (1.0 + (-t).exp())
    )
}

/// A metric that thresholds or sweeps predictions (`name`: its catalog
/// name): what it does with logits, unless it was told to expect them.
fn thresholded(metric: &MetricRef, name: &str) -> Option<Finding> {
    match name {
        "auc" => {
            let from_logits = metric
                .config
                .as_ref()
                .and_then(|c| c.get_some("from_logits"))
                .and_then(|f| f.as_bool());
            (from_logits != Some(true)).then(|| Finding {
                label: "AUC without `from_logits: true` reads the logits as probabilities in [0, 1]".into(),
                help: "use `AUC(from_logits=True)`",
            })
        }
        "binary_io_u" => {
            let t = number(metric, "threshold").unwrap_or(0.5);
            (t > 0.0).then(|| Finding {
                label: logit_threshold(t),
                help: "use `BinaryIoU(threshold=0.0)`: a logit of 0 is a probability of 0.5",
            })
        }
        "precision" | "recall" | "true_positives" | "true_negatives" | "false_positives"
        | "false_negatives" => (!thresholds_at_zero(metric)).then(|| Finding {
            label: format!(
                "`{}` thresholds predictions as probabilities (at 0.5 unless `thresholds` says otherwise)",
                metric.name
            ),
            help: "pass `thresholds=0.0` (a logit of 0 is a probability of 0.5), or end the model in a sigmoid and drop `from_logits`",
        }),
        _ => Some(Finding {
            label: format!(
                "`{}` sweeps thresholds over [0, 1], reading the logits as probabilities",
                metric.name
            ),
            help: "end the model in a sigmoid/softmax and drop `from_logits`, so the metric sees probabilities",
        }),
    }
}

/// What is wrong with `metric` on a head that outputs logits (`binary_loss`:
/// the loss is a binary one), if anything.
fn check_metric(metric: &MetricRef, head: &Head, binary_loss: bool) -> Option<Finding> {
    let info = catalog::metric_info(&metric.name)?;
    match info.family {
        MetricFamily::BinaryAccuracy => {
            let t = number(metric, "threshold").unwrap_or(0.5);
            // A threshold outside (0, 1) was chosen for logits.
            (t > 0.0 && t < 1.0).then(|| Finding {
                label: logit_threshold(t),
                help: "use `BinaryAccuracy(threshold=0.0)`: a logit of 0 is a probability of 0.5",
            })
        }
        // `accuracy` becomes binary accuracy (threshold 0.5) for one output unit.
        MetricFamily::AutoAccuracy if binary_loss && head.units().is_none_or(|u| u == 1) => Some(Finding {
            label: format!(
                "`{}` becomes binary accuracy here: it {}",
                metric.name,
                logit_threshold(0.5)
            ),
            help: "use `BinaryAccuracy(threshold=0.0)` instead of `accuracy`: a logit of 0 is a probability of 0.5",
        }),
        MetricFamily::Thresholded => thresholded(metric, info.name),
        _ => None,
    }
}

impl Rule for LogitsWithThresholdedMetrics {
    fn check_head(&self, cx: &Context<'_>, head: &Head, out: &mut Vec<Diagnostic>) {
        let Some(loss) = &head.loss else {
            return;
        };
        let Some(from_logits) = loss.from_logits.as_ref().filter(|f| f.value) else {
            return;
        };
        // A sigmoid/softmax head with from_logits=True is ACT105: there the
        // metrics are right and the loss is wrong.
        if head.family().is_some_and(|f| f.is_probability()) {
            return;
        }
        let binary_loss = loss.family() == Some(LossFamily::BinaryCrossentropy);
        let model = cx.model;
        for metric in &head.metrics {
            let Some(finding) = check_metric(metric, head, binary_loss) else {
                continue;
            };
            out.push(
                META.diag(format!(
                    "`{}` on the logits of {}: the loss has `from_logits: true`, so the outputs are raw scores, not probabilities",
                    metric.name,
                    model.describe_head(head)
                ))
                .at(metric.span, finding.label)
                .label(from_logits.span, "the outputs are logits")
                .help(finding.help)
                .layer(model.layer(head.output_layer).name()),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing;

    fn act115(output: &str, loss: &str, metrics: &str) -> Vec<String> {
        let yaml = format!(
            "layers:\n  - {{type: Dense, units: 16, activation: relu, kernel_initializer: he_normal}}\n{output}\nloss: {loss}\nmetrics: {metrics}\n"
        );
        testing::reported("model.yaml", &yaml, "ACT115")
            .into_iter()
            .map(|d| d.message)
            .collect()
    }

    const LOGIT: &str = "  - {type: Dense, units: 1}";
    const BCE: &str = "{type: BinaryCrossentropy, from_logits: true}";

    #[test]
    fn thresholded_metrics_on_logits() {
        let metrics = "[accuracy, binary_accuracy, precision, {type: Recall}, AUC, TruePositives, PrecisionAtRecall]";
        assert_eq!(act115(LOGIT, BCE, metrics).len(), 7);
    }

    #[test]
    fn metrics_set_up_for_logits_are_fine() {
        let metrics = "[{type: BinaryAccuracy, threshold: 0.0}, {type: Precision, thresholds: [0.0]}, {type: AUC, from_logits: true}, mae]";
        assert!(act115(LOGIT, BCE, metrics).is_empty());
        // Without from_logits the outputs are probabilities (or ACT104 says otherwise).
        assert!(act115(
            "  - {type: Dense, units: 1, activation: sigmoid}",
            "binary_crossentropy",
            "[accuracy]"
        )
        .is_empty());
        // A sigmoid head with from_logits=True is ACT105's.
        assert!(act115(
            "  - {type: Dense, units: 1, activation: sigmoid}",
            BCE,
            "[accuracy]"
        )
        .is_empty());
    }

    #[test]
    fn plain_accuracy_is_argmax_for_categorical_logits() {
        let out = "  - {type: Dense, units: 5}";
        let cce = "{type: CategoricalCrossentropy, from_logits: true}";
        assert!(act115(out, cce, "[accuracy]").is_empty());
        assert_eq!(act115(out, cce, "[precision]").len(), 1);
    }

    #[test]
    fn only_the_logit_head_of_a_multi_output_model() {
        let bad = include_str!("../../../fixtures/rules/ACT115/bad.keras.json");
        let all = testing::lint_all("bad.keras.json", bad);
        let found: Vec<_> = all.iter().filter(|d| d.code == "ACT115").collect();
        assert_eq!(found.len(), 2, "{all:#?}");
        assert!(found.iter().all(|d| d.layer.as_deref() == Some("spam")));
    }
}
