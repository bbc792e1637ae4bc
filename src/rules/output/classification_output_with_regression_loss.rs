//! ACT103 `classification-output-with-regression-loss`: sigmoid/softmax head trained with a regression loss.

use crate::diagnostic::Diagnostic;
use crate::ir::catalog::{ActFamily, LossFamily};
use crate::ir::{Head, Task};
use crate::rules::{task, Context, Rule};

crate::declare_rule! {
    /// sigmoid/softmax head trained with a regression loss.
    pub struct ClassificationOutputWithRegressionLoss {
        code: "ACT103",
        name: "classification-output-with-regression-loss",
        category: Output,
        severity: Warning,
        concerns: [Loss(Regression)],
    }
}

impl Rule for ClassificationOutputWithRegressionLoss {
    fn check_head(&self, cx: &Context<'_>, head: &Head, out: &mut Vec<Diagnostic>) {
        let model = cx.model;
        let (Some(act), Some(loss)) = (&head.activation, &head.loss) else {
            return;
        };
        let Some(family) = act.activation.family().filter(|f| f.is_probability()) else {
            return;
        };
        if loss.family() != Some(LossFamily::Regression) {
            return;
        }
        // A declared regression task agrees with the loss: the output layer is
        // what is wrong, and ACT109 says so.
        let declared = model.task.as_ref().map(|t| t.value);
        if declared == Some(Task::Regression) {
            return;
        }
        let units = head.units();
        let head_says = task::from_head(head).map(|e| e.says).unwrap_or_else(|| {
            let n = units.map_or(String::new(), |u| {
                format!(" ({u} unit{})", if u == 1 { "" } else { "s" })
            });
            format!("the output layer applies {}{n}", act.activation.name)
        });
        let Some(loss_says) = task::from_loss(loss, units).map(|e| e.says) else {
            return;
        };
        let prefix = if model.heads.len() > 1 {
            format!("output `{}`: ", head.name)
        } else {
            String::new()
        };
        let help = loss_help(family, declared, &act.activation.name);
        let squashes = match family {
            ActFamily::Softmax => "outputs sum to 1",
            _ => "squashes predictions into (0, 1)",
        };
        out.push(
            META.diag(format!("{prefix}{head_says}; {loss_says}"))
                .at(act.activation.span, squashes)
                .label(loss.span, "regression loss")
                .help(help)
                .layer(model.layer(act.layer).name()),
        );
    }
}

/// What to train a `family` output (softmax or sigmoid) of activation
/// `name` with instead, in the terms of the `declared` task if any.
fn loss_help(family: ActFamily, declared: Option<Task>, name: &str) -> String {
    let classification_loss = match family {
        ActFamily::Softmax => {
            "`categorical_crossentropy` (one-hot labels) or \
             `sparse_categorical_crossentropy` (integer labels)"
        }
        _ => "`binary_crossentropy`",
    };
    match declared {
        Some(t) => format!(
            "the declared task is {}: train the {name} output with {classification_loss}",
            t.describe(),
        ),
        None => format!(
            "for classification train the {name} output with {classification_loss}; \
             for regression use a linear output (no activation) and keep the loss",
        ),
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostic::Diagnostic;
    use crate::rules::testing;

    fn lint(header: &str, output: &str, loss: &str) -> Vec<Diagnostic> {
        let yaml = format!("{header}\nlayers:\n  - {output}\nloss: {loss}\n");
        testing::lint("model.yaml", &yaml, &["ACT103"])
    }

    #[test]
    fn says_what_each_side_implies_with_labels_on_both() {
        let yaml = "layers:\n  - {type: Dense, units: 1, activation: sigmoid}\nloss: mse\n";
        let d = testing::lint_all("model.yaml", yaml);
        assert_eq!(d.len(), 1);
        assert_eq!(
            d[0].message,
            "the output layer says binary classification (1 sigmoid unit); the loss says regression (mse)"
        );
        let primary = d[0].primary.as_ref().unwrap().span;
        assert_eq!(&yaml[primary.start..primary.end], "sigmoid");
        let loss = d[0].secondary[0].span;
        assert_eq!(&yaml[loss.start..loss.end], "mse");
    }

    #[test]
    fn softmax_through_an_activation_layer() {
        let output = "{type: Dense, units: 4}\n  - {type: Activation, activation: softmax}";
        let d = lint("name: m", output, "{type: Huber}");
        assert_eq!(d.len(), 1);
        assert_eq!(
            d[0].message,
            "the output layer says multiclass classification (4 softmax units); the loss says regression (Huber)"
        );
        assert!(d[0]
            .help
            .as_deref()
            .unwrap()
            .contains("sparse_categorical_crossentropy"));
    }

    #[test]
    fn the_declared_task_picks_the_advice() {
        let sigmoid = "{type: Dense, units: 1, activation: sigmoid}";
        let d = lint("task: binary", sigmoid, "mae");
        assert_eq!(
            d[0].help.as_deref(),
            Some("the declared task is binary classification: train the sigmoid output with `binary_crossentropy`")
        );
        // A declared regression task is ACT109's to report.
        assert!(lint("task: regression", sigmoid, "mae").is_empty());
    }

    #[test]
    fn other_losses_and_outputs_pass() {
        assert!(lint("name: m", "{type: Dense, units: 1}", "mse").is_empty());
        assert!(lint(
            "name: m",
            "{type: Dense, units: 1, activation: sigmoid}",
            "binary_crossentropy"
        )
        .is_empty());
        assert!(lint(
            "name: m",
            "{type: Dense, units: 1, activation: sigmoid}",
            "poisson"
        )
        .is_empty());
    }
}
