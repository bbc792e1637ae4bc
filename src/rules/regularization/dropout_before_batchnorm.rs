//! ACT601 `dropout-before-batchnorm`: Dropout immediately before BatchNormalization.

use crate::diagnostic::Diagnostic;
use crate::ir::catalog;
use crate::ir::Layer;
use crate::rules::walk::{self, Step};
use crate::rules::{Context, Rule};

crate::declare_rule! {
    /// Dropout immediately before BatchNormalization.
    pub struct DropoutBeforeBatchnorm {
        code: "ACT601",
        name: "dropout-before-batchnorm",
        category: Regularization,
        severity: Warning,
    }
}

/// Dropout that scales the units it keeps, so the variance it passes on
/// differs between training and inference.
fn is_variance_shifting_dropout(class: &str) -> bool {
    crate::ir::catalog::dropout(class).is_some_and(|d| d.plain)
}

/// Normalization with moving statistics learnt during training (layer and
/// group normalization compute theirs at inference too, so no shift).
fn is_batch_norm(class: &str) -> bool {
    matches!(class, "BatchNormalization" | "SyncBatchNormalization")
}

impl Rule for DropoutBeforeBatchnorm {
    fn check_layer(&self, cx: &Context<'_>, layer: &Layer, out: &mut Vec<Diagnostic>) {
        if layer.wrapped.is_some() || !is_variance_shifting_dropout(layer.class()) {
            return;
        }
        if layer.rate.as_ref().is_some_and(|r| r.value <= 0.0) {
            return;
        }
        let model = cx.model;
        // Reshapes in between do not change the statistics.
        let reach = walk::follow(model, layer.id, |l| catalog::is_shape_layer(l.class()));
        let Step::Layer(next) = reach.step else {
            return;
        };
        let bn = walk::content(model, next);
        if !is_batch_norm(bn.class()) {
            return;
        }
        let primary = layer.rate.as_ref().map_or(layer.class.span, |r| r.span);
        out.push(
            META.diag(format!(
                "{} feeds {} directly: the variance it sees while training is not the one at inference",
                model.describe_layer(layer.id),
                model.describe_layer(bn.id),
            ))
            .at(
                primary,
                if layer.class() == "GaussianDropout" {
                    "its multiplicative noise adds variance only while training"
                } else {
                    "dropout scales the kept units by 1/(1-rate) only while training"
                },
            )
            .label(
                bn.class.span,
                "its moving variance is learnt from the dropped-out activations",
            )
            .help(
                "put Dropout after the last BatchNormalization (for example just before the output layer), or normalize first: `BatchNormalization` then `Dropout`",
            )
            .layer(layer.name()),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::codes_with;

    fn between(layers: &str) -> Vec<&'static str> {
        codes_with(
            "m.yaml",
            &format!(
                "layers:\n  - {{type: Dense, units: 8, activation: relu}}\n{layers}  - {{type: Dense, units: 1}}\nloss: mse\n"
            ),
            &["ACT601"],
            5,
        )
    }

    #[test]
    fn dropout_straight_into_batch_norm() {
        let none = Vec::<&str>::new();
        assert_eq!(
            between("  - {type: Dropout, rate: 0.3}\n  - {type: BatchNormalization}\n"),
            ["ACT601"]
        );
        assert_eq!(
            between("  - {type: Dropout, rate: 0.3}\n  - {type: Flatten}\n  - {type: BatchNormalization}\n"),
            ["ACT601"]
        );
        assert_eq!(
            between("  - {type: BatchNormalization}\n  - {type: Dropout, rate: 0.3}\n"),
            none
        );
        assert_eq!(
            between("  - {type: Dropout, rate: 0.3}\n  - {type: LayerNormalization}\n"),
            none
        );
        assert_eq!(
            between("  - {type: Dropout, rate: 0.0}\n  - {type: BatchNormalization}\n"),
            none
        );
    }
}
